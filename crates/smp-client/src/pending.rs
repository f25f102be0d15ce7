//! Requests waiting for their response, and the connection's open/closed state.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use smp_proto::{BrokerMsg, CorrId, EntityId};
use tokio::sync::{oneshot, watch};

use crate::error::{ClientError, Result};

/// Where a response goes.
pub(crate) type Reply = oneshot::Sender<Result<BrokerMsg>>;

struct Pending {
    entity: EntityId,
    reply: Reply,
}

#[derive(Default)]
struct State {
    pending: HashMap<CorrId, Pending>,
    closed: Option<String>,
}

/// State shared by the client handle and its reader and writer tasks.
pub(crate) struct Shared {
    state: Mutex<State>,
    closed_tx: watch::Sender<bool>,
}

impl Shared {
    /// A new open connection state.
    pub fn new() -> Self {
        Shared {
            state: Mutex::new(State::default()),
            closed_tx: watch::channel(false).0,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a request; fails when the connection is closed or the id is taken.
    pub fn register(
        &self,
        corr_id: CorrId,
        entity: EntityId,
    ) -> Result<oneshot::Receiver<Result<BrokerMsg>>> {
        let mut st = self.lock();
        if let Some(reason) = &st.closed {
            return Err(ClientError::Disconnected(reason.clone()));
        }
        if st.pending.contains_key(&corr_id) {
            return Err(ClientError::DuplicateCorrId);
        }
        let (reply, rx) = oneshot::channel();
        st.pending.insert(corr_id, Pending { entity, reply });
        Ok(rx)
    }

    /// True while a request still waits (it was not answered, timed out or cancelled).
    pub fn is_pending(&self, corr_id: &CorrId) -> bool {
        self.lock().pending.contains_key(corr_id)
    }

    /// Forgets a request (after a timeout or when its caller went away).
    pub fn remove(&self, corr_id: &CorrId) {
        self.lock().pending.remove(corr_id);
    }

    /// Completes a request with an error.
    pub fn fail(&self, corr_id: &CorrId, err: ClientError) {
        if let Some(p) = self.lock().pending.remove(corr_id) {
            let _ = p.reply.send(Err(err));
        }
    }

    /// Delivers a response to the request with this correlation id. A response about
    /// another entity than the request's is an unexpected response, except an `ERR` that
    /// names no entity. Gives the response back when no request waits for it (it came
    /// after its request timed out, or its id is unknown).
    pub fn resolve(
        &self,
        corr_id: &CorrId,
        entity: &EntityId,
        resp: Result<BrokerMsg>,
    ) -> Option<Result<BrokerMsg>> {
        let Some(p) = self.lock().pending.remove(corr_id) else {
            return Some(resp);
        };
        let resp = match resp {
            Ok(BrokerMsg::Err(e)) if entity.is_empty() || *entity == p.entity => {
                Err(ClientError::Protocol(e))
            }
            Ok(m) if *entity != p.entity => Err(ClientError::UnexpectedResponse(format!(
                "{} for another entity",
                m.tag(smp_proto::versions::CURRENT_V)
            ))),
            other => other,
        };
        let _ = p.reply.send(resp);
        None
    }

    /// Marks the connection closed (the first reason wins), fails every pending request
    /// and tells the reader and writer tasks to stop.
    pub fn close(&self, reason: &str) {
        let drained: Vec<Pending> = {
            let mut st = self.lock();
            if st.closed.is_none() {
                st.closed = Some(reason.to_owned());
            }
            st.pending.drain().map(|(_, p)| p).collect()
        };
        let reason = self.closed_reason().unwrap_or_else(|| reason.to_owned());
        for p in drained {
            let _ = p.reply.send(Err(ClientError::Disconnected(reason.clone())));
        }
        self.closed_tx.send_replace(true);
    }

    /// Why the connection closed, if it did.
    pub fn closed_reason(&self) -> Option<String> {
        self.lock().closed.clone()
    }

    /// A receiver that turns `true` when the connection closes.
    pub fn closed_signal(&self) -> watch::Receiver<bool> {
        self.closed_tx.subscribe()
    }
}

/// Removes its request from the pending map when dropped, so a cancelled or timed-out
/// caller leaves nothing behind.
pub(crate) struct PendingGuard<'a> {
    pub shared: &'a Shared,
    pub corr_id: CorrId,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.shared.remove(&self.corr_id);
    }
}
