//! The server's source of time, injectable so that file expiry can be tested.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the server reads the time (seconds since the Unix epoch).
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The operating system's clock.
    #[default]
    System,
    /// A shared counter that moves only when a test moves it (clones share it).
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// A manual clock showing `t`.
    pub fn manual(t: i64) -> Clock {
        Clock::Manual(Arc::new(AtomicI64::new(t)))
    }

    /// The current time in seconds.
    pub fn now(&self) -> i64 {
        match self {
            Clock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            Clock::Manual(t) => t.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock by `secs` (no effect on the system clock).
    pub fn advance(&self, secs: i64) {
        if let Clock::Manual(t) = self {
            t.fetch_add(secs, Ordering::SeqCst);
        }
    }
}
