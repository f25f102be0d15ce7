//! Background work: message and notification expiry.

use crate::env::Env;
use std::sync::Arc;
use tokio::sync::watch;

/// Deletes expired messages and notifications once; returns the number of messages.
pub fn expire_once(env: &Env) -> usize {
    let now = env.now();
    let mut n = 0;
    if let Some(exp) = env.config.msg_expiry {
        let cutoff = now - exp.as_secs() as i64;
        match env.store.expire(None, cutoff) {
            Ok(c) => n = *c.value(),
            Err(e) => tracing::error!("message expiry failed: {e}"),
        }
        env.stats.msg_expired.add(n as u64);
    }
    env.ntf_store
        .expire(now - env.config.ntf_expiry.as_secs() as i64);
    n
}

/// Runs expiry at start (if configured) and then periodically until shutdown.
pub async fn expiry_loop(env: Arc<Env>, mut shutdown: watch::Receiver<bool>) {
    if env.config.expire_on_start {
        expire_once(&env);
    }
    let mut t = tokio::time::interval(env.config.expire_interval);
    t.tick().await;
    loop {
        tokio::select! {
            _ = t.tick() => {
                let n = expire_once(&env);
                if n > 0 {
                    tracing::info!("expired {n} messages");
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}
