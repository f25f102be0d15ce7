//! The [`Agent`]: the async API over the store and the relay pool, and its workers.
//!
//! - the receive loop takes the events of all relays: each `MSG` is opened, decrypted
//!   and stored in one transaction, then `ACK`ed, then reported; in order per
//!   connection, different connections at the same time;
//! - one delivery worker per send queue sends stored message bodies in order, retrying
//!   network failures with backoff;
//! - at open, every receive queue is subscribed and the workers of queues with pending
//!   deliveries are started.
//!
//! Dropping the [`Agent`] stops every task and closes the relay connections; what was
//! committed to the store is picked up by the next [`Agent::open`].

mod cleanup;
mod contact;
mod delete;
mod delivery;
mod handshake;
mod inbox;
mod keys;
mod legacy;
mod link_update;
mod links;
mod messages;
mod quota;
mod receive;
mod relays;
mod resync;
mod rotation;
mod routing;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio::sync::{Notify, mpsc};
use tokio::task::AbortHandle;

use crate::config::{AgentConfig, RelayConfig};
use crate::error::{AgentError, Result};
use crate::event::AgentEvent;
use crate::pool::{Pool, PoolConfig, parse_server, server_key};
use crate::store::{CommandId, ConnId, InternalId, SndQueueId, Store, Timestamp, Tx, UserId};

pub use links::{ConnLinks, ShortLinkData};

/// Capacity of the app's event channel (the workers wait when it is full).
const EVENT_CAPACITY: usize = 4096;
/// Capacity of the channel of relay events.
const RELAY_EVENT_CAPACITY: usize = 1024;

/// A running agent. Dropping it stops its tasks.
#[derive(Debug)]
pub struct Agent {
    inner: Arc<Inner>,
    _guard: Guard,
}

/// Stops the agent's tasks when the [`Agent`] handle is dropped (the tasks themselves
/// hold the shared state, so its own drop would never run).
#[derive(Debug)]
struct Guard(Arc<Inner>);

impl Drop for Guard {
    fn drop(&mut self) {
        if self.0.shutdown() {
            return;
        }
        // a task held the relay connections: close them once it lets go (an aborted
        // task lets go when the runtime drops it)
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let inner = self.0.clone();
            rt.spawn(async move { inner.pool.close().await });
        }
    }
}

/// A queue by relay (its store key) and queue id.
type QueueKey = (String, Vec<u8>);

/// The state shared by the API and the tasks.
#[derive(Debug)]
struct Inner {
    config: AgentConfig,
    store: Store,
    user_id: UserId,
    pool: Pool,
    /// The user's relays (a copy of its `servers` rows, with address overrides).
    relays: RwLock<Vec<RelayConfig>>,
    events: mpsc::Sender<AgentEvent>,
    /// Wake-ups of the delivery workers, by send queue.
    workers: Mutex<HashMap<SndQueueId, Arc<Notify>>>,
    tasks: Mutex<Vec<AbortHandle>>,
    /// Connection deletion: its lock and background tasks.
    deletions: delete::Deletions,
    /// The legacy `KEY` + `HELLO` commands being run, so none runs twice.
    legacy_running: Mutex<HashSet<CommandId>>,
    /// Per-connection locks of short link updates (the reference's `withConnLock`).
    link_locks: link_update::LinkLocks,
}

impl Agent {
    /// Opens the agent's database (creating it and a default user when new), connects to
    /// the relays of its receive queues and subscribes them, and resumes pending
    /// deliveries. Returns the agent and its event channel.
    pub async fn open(config: AgentConfig) -> Result<(Agent, mpsc::Receiver<AgentEvent>)> {
        let path = config.db_path.clone();
        let pass = config.passphrase.clone();
        let seed = config.relays.clone();
        let clock = config.clock.clone();
        let overrides: HashMap<String, std::net::SocketAddr> = config
            .relays
            .iter()
            .filter_map(|r| Some((server_key(&r.server), r.connect_addr?)))
            .collect();
        let (store, user_id, relays) = tokio::task::spawn_blocking(move || -> Result<_> {
            let store = Store::open_with_clock(&path, &pass, clock)?;
            let (user_id, relays) = store.transaction(|tx| -> Result<_> {
                let user_id = match tx.users()?.first() {
                    Some(u) => u.user_id,
                    None => tx.create_user()?,
                };
                let relays = relays::load(tx, user_id, &seed, &overrides)?;
                Ok((user_id, relays))
            })?;
            Ok((store, user_id, relays))
        })
        .await??;
        let (events_tx, events_rx) = mpsc::channel(EVENT_CAPACITY);
        let (relay_tx, relay_rx) = mpsc::channel(RELAY_EVENT_CAPACITY);
        let pool_config = PoolConfig {
            relays: config.relays.iter().chain(&relays).cloned().collect(),
            request_timeout: config.request_timeout,
            network: config.network.clone(),
            user_id: user_id.0,
            session_ts: Timestamp::now().0,
        };
        let pool = Pool::new(pool_config, relay_tx);
        let inner = Arc::new(Inner {
            config,
            store,
            user_id,
            pool,
            relays: RwLock::new(relays),
            events: events_tx,
            workers: Mutex::new(HashMap::new()),
            tasks: Mutex::new(Vec::new()),
            deletions: delete::Deletions::default(),
            legacy_running: Mutex::new(HashSet::new()),
            link_locks: link_update::LinkLocks::default(),
        });
        inner.spawn(receive::receive_loop(inner.clone(), relay_rx));
        inner.subscribe_all().await;
        let pending = inner.db(|tx| Ok(tx.pending_queues()?)).await?;
        for q in pending {
            inner.wake_worker(q.snd_queue_id);
        }
        rotation::resume(&inner).await;
        delete::resume(&inner).await;
        legacy::resume(&inner).await;
        cleanup::start(&inner);
        let guard = Guard(inner.clone());
        Ok((
            Agent {
                inner,
                _guard: guard,
            },
            events_rx,
        ))
    }

    /// Stops the agent: its tasks end and its relay connections are closed before this
    /// returns (dropping the agent does the same without waiting, and may leave a
    /// connection open a little longer when a task was using the connections).
    pub async fn close(self) {
        self.inner.abort_tasks();
        self.inner.pool.close().await;
    }

    /// The user the agent's connections belong to.
    pub fn user_id(&self) -> UserId {
        self.inner.user_id
    }

    /// The agent's store (for inspection; the agent keeps writing to it).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Moves the connection's receive queue to another relay of the user while messages
    /// keep flowing (`QADD`/`QKEY`/`QUSE`/`QTEST` with the peer). Each phase is reported
    /// as [`AgentEvent::Switch`] (here [`crate::QueueDirection::Rcv`], on the peer
    /// [`crate::QueueDirection::Snd`]); `Completed` comes when the old queue is deleted.
    pub async fn switch_connection(&self, conn_id: &ConnId) -> Result<()> {
        rotation::switch(&self.inner, conn_id).await
    }

    /// Aborts a switch started by [`Agent::switch_connection`] before the new queue is
    /// secured (the reference's `abortConnectionSwitch`): the new queue is deleted and
    /// the old one stays. Refused once the new queue is secured.
    pub async fn abort_connection_switch(&self, conn_id: &ConnId) -> Result<()> {
        rotation::abort(&self.inner, conn_id).await
    }

    /// Re-synchronises the connection's double ratchet with the peer's after they diverged
    /// (e.g. one side restored an old database): fresh X3DH keys are exchanged and a new
    /// ratchet is made on both sides ([`AgentEvent::RatchetSync`] with
    /// [`crate::store::RatchetSyncState::Agreed`], then `Ok` on the first message of the
    /// new ratchet, on each side). Allowed when a decryption failure made the state
    /// `Allowed` or `Required`, otherwise only with `force`. Messages sent with the old
    /// ratchet meanwhile cannot be read.
    pub async fn synchronize_ratchet(&self, conn_id: &ConnId, force: bool) -> Result<()> {
        resync::synchronize(&self.inner, conn_id, force).await
    }

    /// The user's relays: new queues go to a relay chosen at random from them.
    pub fn relays(&self) -> Vec<RelayConfig> {
        self.inner.relays()
    }

    /// Replaces the user's relay list (stored; queues already made stay where they are).
    /// Address overrides are remembered for this run only.
    pub async fn set_relays(&self, relays: Vec<RelayConfig>) -> Result<()> {
        if relays.is_empty() {
            return Err(AgentError::NoRelays);
        }
        let user_id = self.inner.user_id;
        let stored = relays.clone();
        self.inner
            .db(move |tx| relays::store(tx, user_id, &stored))
            .await?;
        self.inner.pool.remember(&relays);
        *self
            .inner
            .relays
            .write()
            .unwrap_or_else(PoisonError::into_inner) = relays;
        Ok(())
    }

    /// Creates a one-time invitation: a messaging queue on a relay of the user (subscribed on
    /// creation) and the ratchet keys of the link. Returns the connection and the link
    /// text (`simplex:/invitation#/?…`) to pass to the peer.
    pub async fn create_invitation(&self) -> Result<(ConnId, String)> {
        let (conn_id, link, _, ()) =
            handshake::create_invitation(&self.inner, None, false, |_, _, _| Ok(())).await?;
        Ok((conn_id, link.to_text()))
    }

    /// Creates a one-time invitation with a short link: the signed, encrypted link data
    /// (the full link and `user_data`) is stored on the relay with `NEW`. Returns the
    /// connection and both links; the short one is `https://<relay>/i#<id>/<key>`.
    pub async fn create_invitation_link(&self, user_data: &[u8]) -> Result<(ConnId, ConnLinks)> {
        let (conn_id, link, short, ()) =
            handshake::create_invitation(&self.inner, Some(user_data), true, |_, _, _| Ok(()))
                .await?;
        let short = short.ok_or(AgentError::Prohibited("no short link was made"))?;
        Ok((conn_id, ConnLinks::new(&link, &short)))
    }

    /// Creates a contact address: a contact queue on a relay of the user (subscribed on
    /// creation). Returns the address connection and the link text
    /// (`simplex:/contact#/?…`); requests to it come as [`AgentEvent::Req`].
    pub async fn create_contact_address(&self) -> Result<(ConnId, String)> {
        let (conn_id, link, _) = contact::create_address(&self.inner, None).await?;
        Ok((conn_id, link.to_text()))
    }

    /// Creates a contact address with a short link: after `NEW`, the signed, encrypted
    /// link data (the full link and `user_data`) is set with `LSET`. Returns the address
    /// connection and both links; the short one is `https://<relay>/a#<key>`.
    pub async fn create_contact_address_link(
        &self,
        user_data: &[u8],
    ) -> Result<(ConnId, ConnLinks)> {
        let (conn_id, link, short) = contact::create_address(&self.inner, Some(user_data)).await?;
        let short = short.ok_or(AgentError::Prohibited("no short link was made"))?;
        Ok((conn_id, ConnLinks::new(&link, &short)))
    }

    /// Replaces the user data of a connection's short link (reference
    /// `setConnShortLink`): of a contact address, or of a one-time invitation no one has
    /// answered yet. The link stays the same; a contact address made without a short
    /// link gets one. Returns the short link.
    pub async fn set_conn_short_link(&self, conn_id: &ConnId, user_data: &[u8]) -> Result<String> {
        let short = link_update::set_conn_short_link(&self.inner, conn_id, user_data).await?;
        Ok(short.to_text())
    }

    /// Deletes the short link of a contact address, or of a one-time invitation no one
    /// has answered yet (reference `deleteConnShortLink`): `LDEL` removes the link data
    /// from the relay, so the short link no longer resolves
    /// ([`AgentError::LinkNotFound`]), while the queue and its full link keep working.
    /// The link's credentials stay stored, as in the reference: a later
    /// [`Agent::set_conn_short_link`] brings the same short link back.
    pub async fn delete_conn_short_link(&self, conn_id: &ConnId) -> Result<()> {
        link_update::delete_conn_short_link(&self.inner, conn_id).await
    }

    /// Reads and checks the data behind a short link: `LGET` for a contact address;
    /// `LKEY` for an invitation, which also secures its queue with a new sender key
    /// kept for [`Agent::join`] of the returned full link.
    pub async fn short_link_data(&self, link: &str) -> Result<ShortLinkData> {
        let short = agent_proto::ShortLink::parse_text(link)
            .map_err(|_| AgentError::BadLink("not a short link"))?;
        let resolved = links::resolve(&self.inner, &short).await?;
        Ok(resolved.into())
    }

    /// Joins a peer's link (full or short), sending `info`. For a one-time invitation
    /// this sends the confirmation; for a contact address it creates an own invitation
    /// and sends it as a contact request. Returns the new connection
    /// ([`AgentEvent::Conf`] comes on it when a contact address owner accepts).
    pub async fn join(&self, link: &str, info: &[u8]) -> Result<ConnId> {
        handshake::join_any(&self.inner, link, info).await
    }

    /// Accepts the contact request `inv_id` (from [`AgentEvent::Req`]) by joining the
    /// requester's invitation with `info`. Returns the new connection.
    pub async fn accept_contact(
        &self,
        inv_id: &crate::store::InvitationId,
        info: &[u8],
    ) -> Result<ConnId> {
        contact::accept(&self.inner, inv_id, info).await
    }

    /// Rejects the contact request `inv_id`: it is deleted and no connection is made.
    pub async fn reject_contact(&self, inv_id: &crate::store::InvitationId) -> Result<()> {
        contact::reject(&self.inner, inv_id).await
    }

    /// Accepts the confirmation `conf_id` (from [`AgentEvent::Conf`]), sending `info`.
    /// [`AgentEvent::Con`] follows when the relay took the reply.
    pub async fn allow(
        &self,
        conn_id: &ConnId,
        conf_id: &crate::store::ConfirmationId,
        info: &[u8],
    ) -> Result<()> {
        handshake::allow(&self.inner, conn_id, conf_id, info).await
    }

    /// Sends an app message on an established connection. It is stored encrypted before
    /// this returns and delivered in the background ([`AgentEvent::Sent`] when the relay
    /// took it). Returns its id within the connection.
    pub async fn send(&self, conn_id: &ConnId, body: &[u8]) -> Result<InternalId> {
        messages::send(&self.inner, conn_id, body).await
    }

    /// Sends several app messages on one connection, in this order, like [`Agent::send`]
    /// but stored in one transaction (one commit for all): either all are stored or none.
    /// Returns their ids.
    pub async fn send_many<B: AsRef<[u8]>>(
        &self,
        conn_id: &ConnId,
        bodies: &[B],
    ) -> Result<Vec<InternalId>> {
        messages::send_many(&self.inner, conn_id, bodies).await
    }
}

impl Agent {
    /// Acknowledges the received message `id` (from [`AgentEvent::Msg`]). With
    /// `receipt_info`, a delivery receipt (`A_RCVD` with the message's id and hash and
    /// this info) is sent to the peer, who gets [`AgentEvent::Rcvd`]; receipts are only
    /// sent for app messages, never for receipts. The agent keeps nothing of the message
    /// afterwards (a second ack of it is refused).
    pub async fn ack(
        &self,
        conn_id: &ConnId,
        id: InternalId,
        receipt_info: Option<&[u8]>,
    ) -> Result<()> {
        messages::ack(&self.inner, conn_id, id, receipt_info).await
    }

    /// Switches PQ (KEM) encryption of the messages sent from now on (the reference's
    /// message-level `PQEncryption`); it takes effect over the next ratchet steps when
    /// the peer has it on too. Needs PQ support on the connection to switch on.
    pub async fn set_pq_encryption(&self, conn_id: &ConnId, on: bool) -> Result<()> {
        messages::set_pq_encryption(&self.inner, conn_id, on).await
    }
}

impl Inner {
    /// Runs `f` in a store transaction on the blocking pool, committed together with
    /// the transactions of other tasks waiting at the same time ([`Store::grouped`]).
    async fn db<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx<'_>) -> Result<T> + Send + 'static,
    {
        self.store.grouped(f).await
    }

    /// Spawns a task that is stopped with the agent.
    fn spawn<F>(&self, fut: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(fut);
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(handle.abort_handle());
    }

    /// Reports an event to the app (dropped when the app closed its channel).
    async fn emit(&self, event: AgentEvent) {
        if self.events.send(event).await.is_err() {
            tracing::debug!("agent event dropped: the app closed the channel");
        }
    }

    /// Reports a background error.
    async fn emit_error(&self, conn_id: Option<ConnId>, err: AgentError) {
        tracing::warn!(?conn_id, %err, "agent error");
        self.emit(AgentEvent::Error { conn_id, err }).await;
    }

    /// Starts the delivery worker of `sq` if needed, and tells it there is work.
    fn wake_worker(self: &Arc<Self>, sq: SndQueueId) {
        let mut workers = self.workers.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = workers.get(&sq) {
            n.notify_one();
            return;
        }
        let notify = Arc::new(Notify::new());
        workers.insert(sq, notify.clone());
        drop(workers);
        self.spawn(delivery::worker(self.clone(), sq, notify));
    }

    /// Subscribes every active receive queue, relay by relay; failures are reported and
    /// retried in the background.
    async fn subscribe_all(self: &Arc<Self>) {
        let queues = match self.db(|tx| Ok(tx.rcv_queues_to_subscribe()?)).await {
            Ok(q) => q,
            Err(e) => return self.emit_error(None, e).await,
        };
        let mut by_server: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for q in queues {
            by_server.entry(q.server.clone()).or_default().push(q);
        }
        for server in by_server.into_keys() {
            if let Err(e) = self.subscribe_server(&server).await {
                self.emit_error(None, e).await;
                self.spawn(receive::resubscribe(self.clone(), server));
            }
        }
    }

    /// Subscribes the active receive queues on one relay.
    async fn subscribe_server(&self, server: &str) -> Result<()> {
        let key = server.to_owned();
        let queues = self
            .db(move |tx| {
                Ok(tx
                    .rcv_queues_to_subscribe()?
                    .into_iter()
                    .filter(|q| q.server == key)
                    .collect::<Vec<_>>())
            })
            .await?;
        if queues.is_empty() {
            return Ok(());
        }
        let client = self.pool.client(&parse_server(server)?).await?;
        let mut keys = Vec::with_capacity(queues.len());
        for q in &queues {
            keys.push((
                smp_proto::EntityId::new(&q.rcv_id)?,
                keys::auth_key(&q.rcv_auth_key)?,
            ));
        }
        let refs: Vec<_> = keys.iter().map(|(id, k)| (id.clone(), k)).collect();
        let results = client.subscribe_many(&refs).await;
        for (q, r) in queues.iter().zip(results) {
            if let Err(e) = r {
                let temporary = crate::pool::is_temporary(&AgentError::Relay(e));
                if temporary {
                    return Err(AgentError::Closed("relay connection lost".into()));
                }
                tracing::warn!(conn_id = %q.conn_id, "subscription failed");
            }
        }
        Ok(())
    }

    /// Stops every task.
    fn abort_tasks(&self) {
        let tasks = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        tasks.iter().for_each(AbortHandle::abort);
    }

    /// Stops every task and closes the relay connections without waiting; false when
    /// a task held the connections (then [`Pool::close`] finishes the job).
    fn shutdown(&self) -> bool {
        self.abort_tasks();
        self.pool.close_all()
    }
}
