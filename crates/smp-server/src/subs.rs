//! Connected clients, their subscriptions, and the registry that maps each subscribed
//! queue to the one connection that receives its messages.

use smp_proto::{BrokerMsg, CorrId, EntityId};
use smp_store::Commit;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::Mutex;
use tokio::sync::mpsc;

/// A queue id as stored (24 bytes).
pub type QueueId = [u8; 24];

/// One transmission to send to a client.
#[derive(Debug, Clone)]
pub struct Out {
    /// Correlation id (empty for events).
    pub corr_id: CorrId,
    /// Entity id.
    pub entity: EntityId,
    /// The response or event.
    pub msg: BrokerMsg,
}

impl Out {
    /// An event (no correlation id) about queue `q`.
    pub fn event(q: &QueueId, msg: BrokerMsg) -> Self {
        Out {
            corr_id: CorrId::empty(),
            entity: EntityId::from(*q),
            msg,
        }
    }
}

/// How a queue is held by a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubKind {
    /// Subscribed with `SUB` (or `NEW` with subscribe mode): messages are pushed.
    Server,
    /// Read with `GET`: no pushes, and `SUB` is refused on this connection.
    Prohibit,
}

/// A connection's hold on one queue.
#[derive(Debug, Clone)]
pub struct Sub {
    /// How the queue is held.
    pub kind: SubKind,
    /// The message delivered and not yet acknowledged.
    pub delivered: Option<[u8; 24]>,
}

/// Transmissions for a client, to be written once the store change `after` (if any)
/// is durable.
#[derive(Debug)]
pub struct Outgoing {
    /// The transmissions.
    pub items: Vec<Out>,
    /// The store change they report on.
    pub after: Option<Commit>,
}

/// What other tasks may touch of a connection: its outbox and subscriptions.
#[derive(Debug)]
pub struct ClientShared {
    /// Unique per connection.
    pub id: u64,
    out: mpsc::Sender<Outgoing>,
    /// Queues held by this connection.
    pub subs: Mutex<HashMap<QueueId, Sub>>,
    /// Notifier ids subscribed by this connection.
    pub ntf_subs: Mutex<HashSet<QueueId>>,
}

impl ClientShared {
    /// A client whose outbox is `out`.
    pub fn new(id: u64, out: mpsc::Sender<Outgoing>) -> Arc<Self> {
        Arc::new(ClientShared {
            id,
            out,
            subs: Mutex::new(HashMap::new()),
            ntf_subs: Mutex::new(HashSet::new()),
        })
    }

    /// Queues transmissions for the client from another task without waiting: when the
    /// outbox is full a task finishes the send, so the caller never blocks.
    pub fn push(&self, items: Vec<Out>) {
        self.push_after(items, None)
    }

    /// Like [`Self::push`], written only once `after` is durable.
    pub fn push_after(&self, items: Vec<Out>, after: Option<Commit>) {
        match self.out.try_send(Outgoing { items, after }) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(items)) => {
                let out = self.out.clone();
                tokio::spawn(async move {
                    let _ = out.send(items).await;
                });
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    /// Queues the connection's own responses, waiting for room (back-pressure).
    pub async fn send(&self, items: Vec<Out>, after: Option<Commit>) -> bool {
        self.out.send(Outgoing { items, after }).await.is_ok()
    }

    /// Locks the subscriptions (a poisoned lock is recovered: the map stays consistent
    /// because every critical section is a single map operation).
    pub fn subs(&self) -> std::sync::MutexGuard<'_, HashMap<QueueId, Sub>> {
        self.subs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the notifier subscriptions.
    pub fn ntf_subs(&self) -> std::sync::MutexGuard<'_, HashSet<QueueId>> {
        self.ntf_subs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

const SHARDS: usize = 64;

/// Maps each subscribed queue to the connection that holds the subscription.
#[derive(Debug)]
pub struct Registry {
    shards: Vec<Mutex<HashMap<QueueId, Arc<ClientShared>>>>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }
}

impl Registry {
    fn shard(&self, q: &QueueId) -> std::sync::MutexGuard<'_, HashMap<QueueId, Arc<ClientShared>>> {
        self.shards[q[0] as usize % SHARDS]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Makes `client` the subscriber of `q`; returns the previous subscriber when it was
    /// another connection.
    pub fn subscribe(&self, q: &QueueId, client: &Arc<ClientShared>) -> Option<Arc<ClientShared>> {
        let prev = self.shard(q).insert(*q, client.clone());
        prev.filter(|p| p.id != client.id)
    }

    /// The current subscriber of `q`.
    pub fn get(&self, q: &QueueId) -> Option<Arc<ClientShared>> {
        self.shard(q).get(q).cloned()
    }

    /// Removes the subscription of `q` if `client_id` holds it.
    pub fn remove_if(&self, q: &QueueId, client_id: u64) {
        let mut s = self.shard(q);
        if s.get(q).is_some_and(|c| c.id == client_id) {
            s.remove(q);
        }
    }

    /// Removes the subscription of `q`, whoever holds it, and returns the holder.
    pub fn remove(&self, q: &QueueId) -> Option<Arc<ClientShared>> {
        self.shard(q).remove(q)
    }

    /// Number of subscribed queues.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).len())
            .sum()
    }

    /// True when no queue is subscribed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
