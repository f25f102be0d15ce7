//! Connection deletion against real relays: the queues are gone on the relay (checked in
//! the relay's own store and by the peer's `SEND` failing with `ERR AUTH`), other
//! connections keep working, a relay that cannot be reached gets the `DEL` after the
//! agent restarts, a deleted contact address's short link stops working, and deletion
//! that waits for delivery removes the connection once its messages went out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use flow::{Peer, WAIT, connect, exchange_one, open_two, send_all};
use simplex_agent::store::{ConnId, ConnStatus};
use simplex_agent::{Agent, AgentConfig, AgentError, AgentEvent};
use smp_client::ClientError;
use smp_proto::ErrorType;
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

/// Compile-time check: the agent's futures can move between threads (`tokio::spawn`).
#[allow(dead_code)]
fn agent_futures_are_send(a: &Agent, c: &ConnId) {
    fn assert_send<T: Send>(_: T) {}
    assert_send(a.create_contact_address_link(b"card"));
    assert_send(a.create_invitation_link(b"card"));
    assert_send(a.join("link", b"info"));
    assert_send(a.send(c, b"hi"));
    assert_send(a.delete_connection(c));
    assert_send(a.delete_connections_async(std::slice::from_ref(c), true));
}

/// The recipient ids of a connection's receive queues.
fn rcv_ids(agent: &Agent, conn: &ConnId) -> Vec<Vec<u8>> {
    agent
        .store()
        .transaction(|tx| tx.rcv_queues(conn))
        .unwrap()
        .into_iter()
        .map(|q| q.rcv_id)
        .collect()
}

/// Whether the relay's store holds the queue.
fn on_relay(relay: &relay::Relay, rcv_id: &[u8]) -> bool {
    let id: [u8; 24] = rcv_id.try_into().unwrap();
    relay
        .handle
        .env()
        .store
        .queue_by_recipient(&id)
        .unwrap()
        .is_some()
}

/// Pending relay deletions in the agent's store.
fn pending_deletions(agent: &Agent) -> usize {
    agent.store().transaction(|tx| tx.commands()).unwrap().len()
}

/// Waits for an event matching `want`, skipping `Sent` and the peer's other events.
async fn wait_for(events: &mut Receiver<AgentEvent>, want: impl Fn(&AgentEvent) -> bool) {
    loop {
        let ev = timeout(WAIT, events.recv())
            .await
            .expect("timed out waiting for an agent event")
            .expect("event channel closed");
        if want(&ev) {
            return;
        }
        assert!(
            matches!(
                ev,
                AgentEvent::Sent { .. } | AgentEvent::RcvQueueDeleted { err: None, .. }
            ),
            "unexpected {ev:?}"
        );
    }
}

/// The next deletion event, skipping the reports of the relay being unreachable.
async fn next_deletion_event(events: &mut Receiver<AgentEvent>) -> AgentEvent {
    loop {
        let ev = timeout(WAIT, events.recv()).await.unwrap().unwrap();
        match ev {
            AgentEvent::Error { conn_id: None, err } => {
                assert!(simplex_agent::pool::is_temporary(&err), "{err}");
            }
            ev => return ev,
        }
    }
}

/// The next deletion events must report the queue `queue` of `conn` given up with an
/// error that passes `check`, then the connection deleted.
async fn expect_given_up(
    events: &mut Receiver<AgentEvent>,
    (conn, queue): (&ConnId, &[u8]),
    check: impl Fn(&AgentError) -> bool,
) {
    match next_deletion_event(events).await {
        AgentEvent::RcvQueueDeleted {
            conn_id,
            rcv_id,
            err: Some(err),
            ..
        } => {
            assert_eq!((&conn_id, rcv_id.as_slice()), (conn, queue));
            assert!(check(&err), "{err}");
        }
        ev => panic!("expected the queue deletion given up, got {ev:?}"),
    }
    let ev = next_deletion_event(events).await;
    assert!(
        matches!(&ev, AgentEvent::ConnDeleted { conn_id } if conn_id == conn),
        "{ev:?}"
    );
}

/// The peer's message to a deleted queue is refused by the relay: it fails with
/// `ERR AUTH` (`MsgErr`).
async fn expect_send_refused(peer: &Agent, events: &mut Receiver<AgentEvent>, conn: &ConnId) {
    send_all(peer, conn, "after delete", 1).await;
    wait_for(events, |ev| {
        matches!(ev, AgentEvent::MsgErr { conn_id: c, err: AgentError::Relay(ClientError::Protocol(ErrorType::Auth)), .. } if c == conn)
    })
    .await;
}

/// A loopback address nothing listens on.
fn closed_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// The relay's agent configuration, dialling `addr` instead of the relay.
fn config_via(relay: &relay::Relay, db: &Path, addr: SocketAddr) -> AgentConfig {
    let mut cfg = relay.agent_config(db);
    cfg.relays[0].connect_addr = Some(addr);
    cfg
}

/// A (restarted so that it cannot reach the relay) and B, connected before.
struct Offline {
    relay: relay::Relay,
    dir: tempfile::TempDir,
    a: Agent,
    /// A's events since it reopened offline.
    a_events: Receiver<AgentEvent>,
    a_conn: ConnId,
    /// A's receive queue.
    queue: Vec<u8>,
    b: Agent,
    b_events: Receiver<AgentEvent>,
    b_conn: ConnId,
}

impl Offline {
    /// Connects A and B through a fresh relay, then reopens A dialling a closed port.
    async fn start() -> Offline {
        Self::start_with(|_| {}).await
    }

    /// [`Offline::start`], with A's configuration changed by `tweak` when it reopens.
    async fn start_with(tweak: impl FnOnce(&mut AgentConfig)) -> Offline {
        let relay = relay::start_relay().await;
        let dir = tempfile::tempdir().unwrap();
        let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;
        let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
        let queue = rcv_ids(&a, &a_conn).remove(0);
        drop(a);
        drop(a_events);
        let mut cfg = config_via(&relay, &dir.path().join("a.db"), closed_port());
        tweak(&mut cfg);
        let (a, a_events) = Agent::open(cfg).await.unwrap();
        Offline {
            relay,
            dir,
            a,
            a_events,
            a_conn,
            queue,
            b,
            b_events,
            b_conn,
        }
    }

    /// Restarts A with the relay reachable.
    async fn online(&mut self) -> Receiver<AgentEvent> {
        let cfg = self.relay.agent_config(&self.dir.path().join("a.db"));
        let (a, events) = Agent::open(cfg).await.unwrap();
        self.a = a;
        events
    }

    /// A reports the connection deleted; the queue is gone on the relay and nothing is
    /// left in A's store.
    async fn expect_deleted(&self, events: &mut Receiver<AgentEvent>) {
        let conn = &self.a_conn;
        wait_for(
            events,
            |ev| matches!(ev, AgentEvent::ConnDeleted { conn_id } if conn_id == conn),
        )
        .await;
        assert!(!on_relay(&self.relay, &self.queue));
        let gone = self.a.store().transaction(|tx| tx.conn(conn)).unwrap();
        assert!(gone.is_none());
        assert_eq!(pending_deletions(&self.a), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_connection_is_gone_on_the_relay_and_others_keep_working() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;
    let (a1, b1) = connect(&a, &mut a_events, &b, &mut b_events).await;
    let (a2, b2) = connect(&a, &mut a_events, &b, &mut b_events).await;
    let queues = rcv_ids(&a, &a1);
    assert_eq!(queues.len(), 1);
    assert!(on_relay(&relay, &queues[0]));
    let before = relay.handle.env().store.queue_count().unwrap();

    a.delete_connection(&a1).await.unwrap();

    // the relay no longer has the queue; nothing is left pending in the agent
    assert!(!on_relay(&relay, &queues[0]));
    assert_eq!(relay.handle.env().store.queue_count().unwrap(), before - 1);
    assert!(a.store().transaction(|tx| tx.conn(&a1)).unwrap().is_none());
    assert_eq!(pending_deletions(&a), 0);
    // deleting it again: not found
    assert!(matches!(
        a.delete_connection(&a1).await,
        Err(AgentError::ConnNotFound(c)) if c == a1
    ));

    // the peer's message to the deleted queue is refused by the relay
    expect_send_refused(&b, &mut b_events, &b1).await;

    // the other connection between the same agents is untouched
    let mut pa = Peer::from((&a, &mut a_events, &a2));
    let mut pb = Peer::from((&b, &mut b_events, &b2));
    exchange_one(&mut pa, &mut pb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletion_while_the_relay_is_unreachable_completes_after_restart() {
    let mut o = Offline::start().await;
    // the connection is deleted locally, the DEL is kept
    let r = o.a.delete_connection(&o.a_conn).await;
    assert!(
        matches!(&r, Err(e) if simplex_agent::pool::is_temporary(e)),
        "{r:?}"
    );
    let conn = o.a.store().transaction(|tx| tx.conn(&o.a_conn)).unwrap();
    assert!(conn.is_none());
    assert_eq!(pending_deletions(&o.a), 1);
    assert!(on_relay(&o.relay, &o.queue));

    // restarted with the relay reachable: the DEL is sent at open
    let mut a_events = o.online().await;
    o.expect_deleted(&mut a_events).await;
    expect_send_refused(&o.b, &mut o.b_events, &o.b_conn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_contact_address_link_is_unusable() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, _a_events, b, _b_events) = open_two(&relay, dir.path()).await;
    let (address, links) = a.create_contact_address_link(b"alice").await.unwrap();
    let data = b.short_link_data(&links.short).await.unwrap();
    assert_eq!(data.user_data, b"alice");
    let queue = rcv_ids(&a, &address).remove(0);

    a.delete_connection(&address).await.unwrap();

    assert!(!on_relay(&relay, &queue));
    // the link data went with the queue
    assert!(matches!(
        b.short_link_data(&links.short).await,
        Err(AgentError::LinkNotFound)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletion_waiting_for_delivery_sends_queued_messages_first() {
    let mut o = Offline::start().await;
    // its last message and the deletion wait
    send_all(&o.a, &o.a_conn, "goodbye", 1).await;
    o.a.delete_connections_async(std::slice::from_ref(&o.a_conn), true)
        .await
        .unwrap();
    let conn = o.a.store().transaction(|tx| tx.conn(&o.a_conn)).unwrap();
    assert_eq!(conn.map(|c| c.status), Some(ConnStatus::Deleted));
    assert!(rcv_ids(&o.a, &o.a_conn).is_empty());

    // back online: the message is delivered, the queue deleted, the connection removed
    let mut a_events = o.online().await;
    flow::expect_messages(&mut o.b_events, &o.b_conn, "goodbye", 1).await;
    o.expect_deleted(&mut a_events).await;
    // give the background tasks a moment: nothing else is reported
    tokio::time::sleep(Duration::from_millis(100)).await;
    while let Ok(ev) = a_events.try_recv() {
        assert!(
            matches!(
                ev,
                AgentEvent::Sent { .. } | AgentEvent::RcvQueueDeleted { err: None, .. }
            ),
            "unexpected {ev:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletion_failing_past_the_message_timeout_is_given_up() {
    // A's clock runs a month behind the system clock while the DEL is stored (with the
    // system clock dating the stored command, its age was never positive and the
    // deletion was retried forever), then catches up: the DEL is now a month old
    let behind = i64::try_from(Duration::from_secs(30 * 24 * 3600).as_millis()).unwrap();
    let mut offset = None;
    let o = Offline::start_with(|cfg| offset = Some(flow::shifted_clock(cfg, -behind))).await;
    let offset = offset.unwrap();
    let (conn, queue) = (o.a_conn.clone(), o.queue.clone());
    let (a, mut a_events) = (o.a, o.a_events);
    a.delete_connections_async(std::slice::from_ref(&conn), false)
        .await
        .unwrap();
    offset.store(0, std::sync::atomic::Ordering::SeqCst);
    let temporary = simplex_agent::pool::is_temporary;
    expect_given_up(&mut a_events, (&conn, &queue), temporary).await;
    assert_eq!(pending_deletions(&a), 0);
    // given up: the queue is still on the relay
    assert!(on_relay(&o.relay, &queue));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_invitations_are_deleted_in_one_batch() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, _a_events) = Agent::open(relay.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    let (inv1, _) = a.create_invitation().await.unwrap();
    let (inv2, _) = a.create_invitation_link(b"card").await.unwrap();
    let queues: Vec<Vec<u8>> = [&inv1, &inv2].iter().flat_map(|c| rcv_ids(&a, c)).collect();
    assert_eq!(queues.len(), 2);
    let unknown = ConnId::from("no such connection");

    let results = a
        .delete_connections(&[inv1.clone(), unknown.clone(), inv2.clone()])
        .await
        .unwrap();

    assert_eq!(results.len(), 3);
    assert!(
        results[&inv1].is_ok() && results[&inv2].is_ok(),
        "{results:?}"
    );
    assert!(matches!(
        &results[&unknown],
        Err(AgentError::ConnNotFound(c)) if c == &unknown
    ));
    for q in &queues {
        assert!(!on_relay(&relay, q));
    }
    let conns = a.store().transaction(|tx| tx.conns(a.user_id())).unwrap();
    assert!(conns.is_empty());
    assert_eq!(pending_deletions(&a), 0);
}

/// A relay store that refuses to delete queues, as a store that stopped after a write
/// failure does (the relay then answers `DEL` with `ERR INTERNAL`); everything else goes
/// to the relay's in-memory store.
struct RefusingDeletes {
    inner: std::sync::Arc<smp_store::MemoryStore>,
}

mod refusing_store {
    use smp_store::{
        Commit, DeletedQueue, LinkData, Message, Msg, MsgId, MsgStore, NotifierCreds, QueueId,
        QueueRec, QueueStore, Result, StoreCounts, StoreError, Write,
    };

    impl QueueStore for super::RefusingDeletes {
        fn add_queue(&self, rec: QueueRec) -> Result<Commit> {
            self.inner.add_queue(rec)
        }
        fn queue_by_recipient(&self, rid: &QueueId) -> Result<Option<QueueRec>> {
            self.inner.queue_by_recipient(rid)
        }
        fn queue_by_sender(&self, sid: &QueueId) -> Result<Option<QueueRec>> {
            self.inner.queue_by_sender(sid)
        }
        fn queue_by_notifier(&self, nid: &QueueId) -> Result<Option<QueueRec>> {
            self.inner.queue_by_notifier(nid)
        }
        fn queue_by_link(&self, lid: &QueueId) -> Result<Option<QueueRec>> {
            self.inner.queue_by_link(lid)
        }
        fn secure_queue(&self, rid: &QueueId, sender_key: &[u8]) -> Result<Commit> {
            self.inner.secure_queue(rid, sender_key)
        }
        fn update_keys(&self, rid: &QueueId, keys: Vec<Vec<u8>>) -> Result<Commit> {
            self.inner.update_keys(rid, keys)
        }
        fn set_link(&self, rid: &QueueId, link: LinkData) -> Result<Commit> {
            self.inner.set_link(rid, link)
        }
        fn delete_link(&self, rid: &QueueId) -> Result<Commit> {
            self.inner.delete_link(rid)
        }
        fn add_notifier(
            &self,
            rid: &QueueId,
            creds: NotifierCreds,
        ) -> Result<Commit<Option<NotifierCreds>>> {
            self.inner.add_notifier(rid, creds)
        }
        fn delete_notifier(&self, rid: &QueueId) -> Result<Commit<Option<NotifierCreds>>> {
            self.inner.delete_notifier(rid)
        }
        fn suspend_queue(&self, rid: &QueueId) -> Result<Commit> {
            self.inner.suspend_queue(rid)
        }
        fn block_queue(&self, rid: &QueueId, info: String) -> Result<Commit> {
            self.inner.block_queue(rid, info)
        }
        fn unblock_queue(&self, rid: &QueueId) -> Result<Commit> {
            self.inner.unblock_queue(rid)
        }
        fn update_time(&self, rid: &QueueId, now: i64) -> Result<Commit<bool>> {
            self.inner.update_time(rid, now)
        }
        fn delete_queue(&self, _rid: &QueueId) -> Result<Commit<DeletedQueue>> {
            Err(StoreError::Failed("test: the disk is full".into()))
        }
        fn queue_count(&self) -> Result<usize> {
            self.inner.queue_count()
        }
    }

    impl MsgStore for super::RefusingDeletes {
        fn write_msg(&self, rid: &QueueId, msg: Message, quota: usize) -> Result<Commit<Write>> {
            self.inner.write_msg(rid, msg, quota)
        }
        fn peek(&self, rid: &QueueId) -> Result<Option<Msg>> {
            self.inner.peek(rid)
        }
        fn del_msg(&self, rid: &QueueId, msg_id: &MsgId) -> Result<Commit<Option<Msg>>> {
            self.inner.del_msg(rid, msg_id)
        }
        fn del_peek(
            &self,
            rid: &QueueId,
            msg_id: &MsgId,
        ) -> Result<Commit<(Option<Msg>, Option<Msg>)>> {
            self.inner.del_peek(rid, msg_id)
        }
        fn queue_size(&self, rid: &QueueId) -> Result<usize> {
            self.inner.queue_size(rid)
        }
        fn expire(&self, rid: Option<&QueueId>, older_than: i64) -> Result<Commit<usize>> {
            self.inner.expire(rid, older_than)
        }
        fn counts(&self) -> Result<StoreCounts> {
            self.inner.counts()
        }
    }
}

/// A relay that refuses `DEL` with an error other than `AUTH` (`ERR INTERNAL`): the
/// deletion is given up at once, not retried (reference: not `temporaryOrHostError`).
/// `delete_connection` returns the error; the background deletion reports it in
/// `RcvQueueDeleted`; the connections are gone locally and the queues stay on the relay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletion_refused_by_the_relay_is_given_up() {
    let relay = relay::start_relay_wrapped(smp_server::ServerConfig::default(), |inner| {
        std::sync::Arc::new(RefusingDeletes { inner })
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events) = Agent::open(relay.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    let (inv1, _) = a.create_invitation().await.unwrap();
    let (inv2, _) = a.create_invitation_link(b"card").await.unwrap();
    let (q1, q2) = (rcv_ids(&a, &inv1).remove(0), rcv_ids(&a, &inv2).remove(0));

    let internal = |e: &AgentError| {
        matches!(
            e,
            AgentError::Relay(ClientError::Protocol(ErrorType::Internal))
        )
    };
    let err = a.delete_connection(&inv1).await.unwrap_err();
    assert!(internal(&err), "{err}");

    a.delete_connections_async(std::slice::from_ref(&inv2), false)
        .await
        .unwrap();
    expect_given_up(&mut a_events, (&inv2, &q2), internal).await;

    // nothing is left to retry, locally both connections are gone
    assert_eq!(pending_deletions(&a), 0);
    let conns = a.store().transaction(|tx| tx.conns(a.user_id())).unwrap();
    assert!(conns.is_empty());
    assert!(on_relay(&relay, &q1) && on_relay(&relay, &q2));
}
