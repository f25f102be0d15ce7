//! Received messages, in order per connection: the messages of one connection (all its
//! receive queues, e.g. the old and the new queue while it is being rotated) are handled
//! one after another in the order they arrived; different connections at the same time,
//! so their transactions share commits and their `ACK`s share blocks.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use smp_proto::{EntityId, MsgId};
use tokio::task::JoinSet;

use super::{Inner, QueueKey};
use crate::store::ConnId;

/// What orders messages: their connection, or the queue itself when the store does not
/// know it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Lane {
    Conn(ConnId),
    Queue(QueueKey),
}

/// A `MSG` from a relay.
#[derive(Debug)]
pub(super) struct Incoming {
    /// The relay (its store key).
    pub server: String,
    /// The receive queue.
    pub rcv_id: EntityId,
    /// The relay's message id.
    pub msg_id: MsgId,
    /// The encrypted body.
    pub body: Vec<u8>,
}

/// Messages waiting, by lane. A lane is present while its task runs; the task takes its
/// next message or removes the lane (and ends) under the lock, so none is left behind.
type Lanes = Arc<Mutex<HashMap<Lane, VecDeque<Incoming>>>>;

/// The receive loop's dispatcher. Dropping it stops its tasks.
pub(super) struct Inbox {
    inner: Arc<Inner>,
    lanes: Lanes,
    /// The connection of each queue seen (a queue never changes connection).
    conn_of: HashMap<QueueKey, ConnId>,
    tasks: JoinSet<()>,
}

impl Inbox {
    /// An empty inbox.
    pub(super) fn new(inner: Arc<Inner>) -> Inbox {
        Inbox {
            inner,
            lanes: Arc::default(),
            conn_of: HashMap::new(),
            tasks: JoinSet::new(),
        }
    }

    /// Queues a message on its connection's lane, starting the lane's task if idle.
    pub(super) async fn push(&mut self, m: Incoming) {
        while self.tasks.try_join_next().is_some() {}
        let lane = self.lane(&m).await;
        let first = {
            let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
            match lanes.get_mut(&lane) {
                Some(waiting) => {
                    waiting.push_back(m);
                    None
                }
                None => {
                    lanes.insert(lane.clone(), VecDeque::new());
                    Some(m)
                }
            }
        };
        if let Some(first) = first {
            let (inner, lanes) = (self.inner.clone(), self.lanes.clone());
            self.tasks.spawn(run_lane(inner, lanes, lane, first));
        }
    }

    /// The lane of a message's queue (read from the store the first time).
    async fn lane(&mut self, m: &Incoming) -> Lane {
        let key: QueueKey = (m.server.clone(), m.rcv_id.as_bytes().to_vec());
        if let Some(c) = self.conn_of.get(&key) {
            return Lane::Conn(c.clone());
        }
        let (srv, rid) = key.clone();
        let found = self
            .inner
            .db(move |tx| Ok(tx.rcv_queue_by_rcv_id(&srv, &rid)?.map(|q| q.conn_id)))
            .await;
        match found {
            Ok(Some(conn_id)) => {
                self.conn_of.insert(key, conn_id.clone());
                Lane::Conn(conn_id)
            }
            _ => Lane::Queue(key),
        }
    }
}

/// Handles the messages of one lane until none is waiting.
async fn run_lane(inner: Arc<Inner>, lanes: Lanes, lane: Lane, first: Incoming) {
    let mut m = first;
    loop {
        super::receive::queue_messages(&inner, &m.server, &m.rcv_id, m.msg_id, m.body).await;
        let mut all = lanes.lock().unwrap_or_else(PoisonError::into_inner);
        match all.get_mut(&lane).and_then(VecDeque::pop_front) {
            Some(next) => m = next,
            None => {
                all.remove(&lane);
                return;
            }
        }
    }
}
