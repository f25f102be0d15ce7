//! Notifications (`NMSG`) waiting for the notifier subscriber of a queue.

use crate::subs::QueueId;
use std::collections::HashMap;
use std::sync::Mutex;

/// One stored notification.
#[derive(Debug, Clone)]
pub struct MsgNtf {
    /// When it was created (seconds).
    pub ts: i64,
    /// The random nonce.
    pub nonce: [u8; 24],
    /// Encrypted message metadata.
    pub enc_meta: Vec<u8>,
}

/// Notifications per notifier id, kept until delivered or expired.
#[derive(Debug, Default)]
pub struct NtfStore {
    map: Mutex<HashMap<QueueId, Vec<MsgNtf>>>,
}

impl NtfStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<QueueId, Vec<MsgNtf>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores a notification.
    pub fn store(&self, nid: &QueueId, n: MsgNtf) {
        self.lock().entry(*nid).or_default().push(n);
    }

    /// Takes all notifications of a notifier.
    pub fn take(&self, nid: &QueueId) -> Vec<MsgNtf> {
        self.lock().remove(nid).unwrap_or_default()
    }

    /// Deletes notifications older than `cutoff`; returns how many.
    pub fn expire(&self, cutoff: i64) -> usize {
        let mut m = self.lock();
        let mut n = 0;
        m.retain(|_, v| {
            let before = v.len();
            v.retain(|x| x.ts >= cutoff);
            n += before - v.len();
            !v.is_empty()
        });
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_take_expire() {
        let s = NtfStore::default();
        let n = |ts| MsgNtf {
            ts,
            nonce: [0; 24],
            enc_meta: vec![],
        };
        s.store(&[1; 24], n(10));
        s.store(&[1; 24], n(20));
        s.store(&[2; 24], n(5));
        assert_eq!(s.expire(10), 1);
        assert_eq!(s.take(&[1; 24]).len(), 2);
        assert!(s.take(&[1; 24]).is_empty());
        assert!(s.take(&[2; 24]).is_empty());
    }
}
