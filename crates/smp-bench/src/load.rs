//! Client-side pieces of a load: queues with their keys, and message bodies that carry
//! their send time.

use crate::relay::Target;
use anyhow::{Context, Result};
use simplex_crypto::keys::{AuthAlgorithm, DhSecret, PrivateAuthKey, X25519Secret};
use smp_client::{ServerEvent, SmpClient, rcv_dh_secret};
use smp_proto::EntityId;
use smp_proto::command::{QueueReqData, SubMode};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::Receiver;
use tokio::task::JoinSet;

/// Queue creations in flight per connection during setup.
const SETUP_CONCURRENCY: usize = 64;

/// One queue: its ids, the recipient's and the sender's keys, and the decryption secret.
pub struct BenchQueue {
    /// Recipient id.
    pub rcv_id: EntityId,
    /// Sender id.
    pub snd_id: EntityId,
    /// Recipient key (signs SUB, ACK).
    pub rcv_key: PrivateAuthKey,
    /// Sender key (signs SEND once the queue is secured with SKEY).
    pub snd_key: PrivateAuthKey,
    /// Secret of the relay-to-recipient encryption of MSG bodies.
    pub secret: DhSecret,
}

/// A fresh Ed25519 key.
pub fn ed25519() -> Result<PrivateAuthKey> {
    PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rand::rng())
        .context("cannot generate a key")
}

/// Connects one client.
pub async fn connect(target: &Target) -> Result<(SmpClient, Receiver<ServerEvent>)> {
    SmpClient::connect(&target.server, &target.client_config())
        .await
        .context("cannot connect to the relay")
}

async fn create_one(c: SmpClient, target: Target, sub: SubMode) -> Result<BenchQueue> {
    let rcv_key = ed25519()?;
    let snd_key = ed25519()?;
    let dh = X25519Secret::generate(&mut rand::rng());
    let ids = c
        .create_queue(
            &rcv_key,
            &dh.public(),
            target.auth.clone(),
            sub,
            Some(QueueReqData::Messaging(None)),
            None,
        )
        .await
        .context("NEW failed")?;
    Ok(BenchQueue {
        rcv_id: ids.rcv_id.clone(),
        snd_id: ids.snd_id.clone(),
        rcv_key,
        snd_key,
        secret: rcv_dh_secret(&dh, &ids),
    })
}

/// Creates `n` messaging queues on connection `c` (subscribed on creation when `sub` is
/// `Subscribe`), a bounded number at a time; results in creation order.
pub async fn create_queues(
    c: &SmpClient,
    target: &Target,
    n: usize,
    sub: SubMode,
) -> Result<Vec<BenchQueue>> {
    let mut out = Vec::with_capacity(n);
    let mut left = n;
    while left > 0 {
        let k = left.min(SETUP_CONCURRENCY);
        let mut set = JoinSet::new();
        for i in 0..k {
            set.spawn({
                let (c, t) = (c.clone(), target.clone());
                async move { (i, create_one(c, t, sub).await) }
            });
        }
        let mut batch: Vec<(usize, BenchQueue)> = Vec::with_capacity(k);
        while let Some(r) = set.join_next().await {
            let (i, q) = r.context("setup task failed")?;
            batch.push((i, q?));
        }
        batch.sort_by_key(|(i, _)| *i);
        out.extend(batch.into_iter().map(|(_, q)| q));
        left -= k;
    }
    Ok(out)
}

/// Secures every queue with its sender key (`SKEY` on the sender's connection), so that
/// each `SEND` is signed and verified as in real use.
pub async fn secure_all(snd: &SmpClient, qs: &[Arc<BenchQueue>]) -> Result<()> {
    for chunk in qs.chunks(SETUP_CONCURRENCY) {
        let mut set = JoinSet::new();
        for q in chunk {
            let (c, q) = (snd.clone(), q.clone());
            set.spawn(async move { c.sender_secure(&q.snd_id, &q.snd_key).await });
        }
        while let Some(r) = set.join_next().await {
            r.context("setup task failed")?.context("SKEY failed")?;
        }
    }
    Ok(())
}

/// The time base that message bodies are stamped against (the first call fixes it).
fn base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

/// Nanoseconds since the time base.
pub fn now_nanos() -> u64 {
    u64::try_from(base().elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// A message body of `size` bytes (at least 16) stamped with the current time and `seq`.
pub fn stamped_body(size: usize, seq: u64) -> Vec<u8> {
    let mut b = vec![0u8; size.max(16)];
    b[..8].copy_from_slice(&now_nanos().to_le_bytes());
    b[8..16].copy_from_slice(&seq.to_le_bytes());
    b
}

/// The time since a stamped body was made, and its sequence number.
pub fn body_age(body: &[u8]) -> Option<(Duration, u64)> {
    let ts = u64::from_le_bytes(body.get(..8)?.try_into().ok()?);
    let seq = u64::from_le_bytes(body.get(8..16)?.try_into().ok()?);
    Some((Duration::from_nanos(now_nanos().saturating_sub(ts)), seq))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn stamped_bodies() {
        let b = stamped_body(128, 42);
        assert_eq!(b.len(), 128);
        std::thread::sleep(Duration::from_millis(2));
        let (age, seq) = body_age(&b).unwrap();
        assert_eq!(seq, 42);
        assert!(age >= Duration::from_millis(2) && age < Duration::from_secs(5));
        assert_eq!(stamped_body(3, 1).len(), 16);
        assert!(body_age(&[1, 2, 3]).is_none());
    }
}
