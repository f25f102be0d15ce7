//! `smp-store`: the SMP relay's queue and message store.
//!
//! It keeps queue records (keys, ids, link data, notifier credentials, status) and each
//! queue's messages, behind the [`QueueStore`] and [`MsgStore`] traits, with two backends:
//!
//! - [`MemoryStore`]: everything in memory, nothing on disk.
//! - [`DurableStore`]: the same in-memory state, plus an append-only log of checksummed
//!   binary records in one directory, written by a group-commit thread
//!   ([`Durability::Fsync`] by default), compacted into snapshots, replayed on start.
//!
//! Every change is applied in memory at once and returns a [`Commit`]; wait on it
//! (`wait().await` or `wait_blocking()`) before acknowledging the client.
//!
//! This crate must not depend on any other workspace crate (it works on plain bytes; the
//! server maps protocol types onto its records), nor on an async runtime beyond
//! `tokio::sync`.

#![deny(missing_docs)]

mod commit;
mod durable;
mod error;
mod frame;
mod memory;
mod ops;
mod record;
mod state;
mod traits;
mod types;

pub use commit::Commit;
pub use durable::{Durability, DurableStore, LoadInfo, StoreConfig};
pub use error::{Result, StoreError};
pub use memory::MemoryStore;
pub use ops::{MAX_BLOCK_INFO, MAX_BODY, MAX_KEY_LEN, MAX_LINK_PART, MAX_RECIPIENT_KEYS};
pub use traits::{MsgStore, QueueStore, Store};
pub use types::{
    DAY_SECONDS, DeletedQueue, DhSecret, LinkData, Message, Msg, MsgId, NotifierCreds, QueueId,
    QueueMode, QueueRec, QueueStatus, StoreCounts, Write, round_to_day,
};
