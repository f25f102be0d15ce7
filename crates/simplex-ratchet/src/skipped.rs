//! Keys of skipped (not yet received) messages and the change a decryption makes to
//! them (`SkippedMsgKeys`, `SkippedMsgDiff`, `applySMDiff` in `Ratchet.hs`).
//!
//! The store belongs to the caller: [`crate::decrypt`] reads it and returns a
//! [`SkippedDiff`] instead of changing it, so the caller can persist the new ratchet
//! state, the message and the skipped keys in one transaction.

use std::collections::BTreeMap;

use crate::keys::{HeaderKey, MessageKey};

/// Skipped message keys filed by header key, then by message number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkippedKeys(BTreeMap<HeaderKey, BTreeMap<u32, MessageKey>>);

impl SkippedKeys {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one key (for loading a stored set).
    pub fn insert(&mut self, hk: HeaderKey, n: u32, mk: MessageKey) {
        self.0.entry(hk).or_default().insert(n, mk);
    }

    /// The key of message `n` under header key `hk`.
    pub fn get(&self, hk: &HeaderKey, n: u32) -> Option<&MessageKey> {
        self.0.get(hk).and_then(|m| m.get(&n))
    }

    /// Total number of message keys.
    pub fn len(&self) -> usize {
        self.0.values().map(BTreeMap::len).sum()
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Header keys with their message keys, in ascending header-key order.
    pub fn header_keys(&self) -> impl Iterator<Item = (&HeaderKey, &BTreeMap<u32, MessageKey>)> {
        self.0.iter()
    }

    /// Every `(header key, message number, message key)`, for storing.
    pub fn iter(&self) -> impl Iterator<Item = (&HeaderKey, u32, &MessageKey)> {
        self.0
            .iter()
            .flat_map(|(hk, m)| m.iter().map(move |(n, mk)| (hk, *n, mk)))
    }

    /// Applies a diff returned by [`crate::decrypt`] (`applySMDiff`).
    pub fn apply(&mut self, diff: &SkippedDiff) {
        match diff {
            SkippedDiff::NoChange => {}
            SkippedDiff::Remove { header_key, msg_n } => {
                if let Some(m) = self.0.get_mut(header_key) {
                    m.remove(msg_n);
                    if m.is_empty() {
                        self.0.remove(header_key);
                    }
                }
            }
            SkippedDiff::Add(added) => {
                for (hk, n, mk) in added.iter() {
                    self.insert(hk.clone(), n, mk.clone());
                }
            }
        }
    }
}

/// The change one decryption makes to the skipped keys (`SkippedMsgDiff`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkippedDiff {
    /// Nothing changed.
    NoChange,
    /// The key of a message that was just received out of order is used up.
    Remove {
        /// Its header key.
        header_key: HeaderKey,
        /// Its message number.
        msg_n: u32,
    },
    /// Keys of messages skipped over by this one, to be added.
    Add(SkippedKeys),
}

impl SkippedDiff {
    pub(crate) fn added(keys: SkippedKeys) -> Self {
        if keys.is_empty() {
            SkippedDiff::NoChange
        } else {
            SkippedDiff::Add(keys)
        }
    }
}
