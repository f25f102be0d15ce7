//! The periodic cleanup (reference `Agent.hs` `cleanupManager`): after
//! [`crate::config::CleanupConfig::initial_delay`] and then every `interval`, the hashes of
//! processed ratchet keys (repeated key messages of a re-synchronisation) and of received
//! encrypted messages (copies through both queues of a switch) older than
//! `stored_data_ttl` by the agent's clock are deleted, and so are the sent messages that
//! old with no delivery left (app messages whose receipt never came; the rest go once
//! delivered), at most `batch_size` of each kind per round. A message that old can no
//! longer come again: the relays expire it sooner.

use std::sync::Arc;

use super::{Agent, Inner};
use crate::error::Result;
use crate::store::Timestamp;

/// Starts the cleanup task (stopped with the agent).
pub(super) fn start(inner: &Arc<Inner>) {
    let task = inner.clone();
    inner.spawn(async move {
        tokio::time::sleep(task.config.cleanup.initial_delay).await;
        loop {
            if let Err(e) = run_once(&task).await {
                task.emit_error(None, e).await;
            }
            tokio::time::sleep(task.config.cleanup.interval).await;
        }
    });
}

/// One cleanup round; returns how many rows were deleted.
async fn run_once(inner: &Inner) -> Result<usize> {
    let cfg = &inner.config.cleanup;
    let ttl = i64::try_from(cfg.stored_data_ttl.as_millis()).unwrap_or(i64::MAX);
    let before = Timestamp(inner.config.clock.now().0.saturating_sub(ttl));
    let limit = cfg.batch_size;
    inner
        .db(move |tx| {
            let hashes = tx.delete_expired_hashes(before, limit)?;
            Ok(hashes + tx.delete_expired_snd_messages(before, limit)?)
        })
        .await
}

impl Agent {
    /// Runs one round of the periodic cleanup now (see [`crate::config::CleanupConfig`]);
    /// returns how many rows were deleted.
    pub async fn cleanup(&self) -> Result<usize> {
        run_once(&self.inner).await
    }
}
