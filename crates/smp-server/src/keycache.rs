//! A small relay-wide cache of parsed authorization keys, keyed by their stored SPKI bytes.
//!
//! Parsing an Ed25519 SPKI decompresses the curve point, which cost about 2% of the relay's
//! CPU when it was done for every `SEND` and `ACK`. The cache is bounded: when it is full it
//! is emptied and refilled by the keys in use, so its memory stays fixed whatever the number
//! of queues. Only the per-message commands use it (`SEND`, `ACK`), so idle and merely
//! subscribed queues add nothing to it.

use simplex_crypto::keys::PublicAuthKey;
use std::collections::HashMap;
use std::sync::Mutex;

/// How many keys are kept at most (about 250 bytes each).
pub const KEY_CACHE_CAPACITY: usize = 4096;

/// Parsed keys by SPKI bytes.
#[derive(Debug)]
pub struct KeyCache {
    keys: Mutex<HashMap<Box<[u8]>, PublicAuthKey>>,
    capacity: usize,
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::with_capacity(KEY_CACHE_CAPACITY)
    }
}

impl KeyCache {
    /// An empty cache holding at most `capacity` keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        KeyCache {
            keys: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The parsed key for `spki`, from the cache or parsed now; `None` if it does not parse
    /// (nothing is cached then).
    pub fn get(&self, spki: &[u8]) -> Option<PublicAuthKey> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(k) = keys.get(spki) {
            return Some(k.clone());
        }
        drop(keys);
        let k = PublicAuthKey::from_spki(spki).ok()?;
        keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if keys.len() >= self.capacity {
            keys.clear();
        }
        keys.insert(spki.into(), k.clone());
        Some(k)
    }

    /// How many keys are cached.
    pub fn len(&self) -> usize {
        self.keys.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// True when no key is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey};

    #[test]
    fn returns_the_parsed_key_and_stays_bounded() {
        let mut rng = rand::rng();
        let cache = KeyCache::with_capacity(3);
        let keys: Vec<PublicAuthKey> = (0..5)
            .map(|_| {
                PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rng)
                    .unwrap()
                    .public()
            })
            .collect();
        for k in &keys {
            let spki = k.to_spki();
            assert_eq!(cache.get(&spki).as_ref(), Some(k));
            // The second look-up is served from the cache and gives the same key.
            assert_eq!(cache.get(&spki).as_ref(), Some(k));
            assert!(cache.len() <= 3);
        }
        assert!(!cache.is_empty());
        assert_eq!(cache.get(b"not a key"), None);
        assert!(cache.len() <= 3);
    }
}
