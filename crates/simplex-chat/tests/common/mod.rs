//! Test helpers: a relay on loopback (in-process, real TLS) and chat clients using it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod groups;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use simplex_agent::{AgentConfig, RelayConfig};
use simplex_chat::clock::Clock;
use simplex_chat::{Chat, ChatConfig, ChatOutput};
use simplex_transport::{SignAlgorithm, generate_credentials};
use smp_proto::SmpServer;
use smp_server::{Server, ServerConfig, ServerHandle};
use smp_store::MemoryStore;
use tokio::sync::mpsc::UnboundedReceiver;

pub const WAIT: Duration = Duration::from_secs(60);

/// A running relay.
pub struct Relay {
    pub handle: ServerHandle,
    pub server: SmpServer,
    pub addr: SocketAddr,
}

pub async fn start_relay() -> Relay {
    let config = ServerConfig {
        listen: vec![SocketAddr::from(([127, 0, 0, 1], 0))],
        ..ServerConfig::default()
    };
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost")
        .unwrap()
        .server_credentials();
    let key_hash = creds.fingerprint().unwrap();
    let handle = Server::start(config, Arc::new(MemoryStore::new()), creds)
        .await
        .unwrap();
    let addr = handle.local_addrs()[0];
    let server = SmpServer {
        hosts: vec!["localhost".into()],
        port: addr.port().to_string(),
        key_hash,
    };
    Relay {
        handle,
        server,
        addr,
    }
}

impl Relay {
    /// The relay's address as the CLI takes it.
    pub fn uri(&self) -> String {
        self.server.to_uri("smp", None)
    }

    pub fn relay_config(&self) -> RelayConfig {
        RelayConfig {
            connect_addr: Some(self.addr),
            ..RelayConfig::new(self.server.clone())
        }
    }
}

fn tweak(cfg: &mut AgentConfig) {
    cfg.request_timeout = Duration::from_secs(10);
    cfg.retry_delay = Duration::from_millis(200);
}

/// One chat client in a test.
pub struct Client {
    pub chat: Chat,
    pub events: UnboundedReceiver<ChatOutput>,
    pub prefix: PathBuf,
}

pub async fn open_client(relay: &Relay, prefix: &Path, clock: Arc<dyn Clock>) -> Client {
    open_client_with(relay, prefix, clock, |_| {}).await
}

/// Like [`open_client`], with changes to the configuration.
pub async fn open_client_with(
    relay: &Relay,
    prefix: &Path,
    clock: Arc<dyn Clock>,
    change: impl FnOnce(&mut ChatConfig),
) -> Client {
    let mut cfg = ChatConfig::new(prefix, "test passphrase", vec![relay.relay_config()]);
    change(&mut cfg);
    cfg.clock = clock;
    cfg.agent_tweak = Some(tweak);
    cfg.expiry_interval = Duration::from_secs(3600);
    let (chat, events) = Chat::open(cfg).await.unwrap();
    Client {
        chat,
        events,
        prefix: prefix.to_path_buf(),
    }
}

/// A client with a new user `name`.
pub async fn new_client(relay: &Relay, dir: &Path, name: &str, clock: Arc<dyn Clock>) -> Client {
    let c = open_client(relay, &dir.join(name), clock).await;
    let out = c.exec(&format!("/create user {name}")).await;
    assert!(matches!(out[0], ChatOutput::ActiveUser(_)), "{out:?}");
    c
}

impl Client {
    /// Runs a command; fails on an error output.
    pub async fn exec(&self, cmd: &str) -> Vec<ChatOutput> {
        let out = self.chat.execute(cmd).await;
        for o in &out {
            if let ChatOutput::Error(e) = o {
                panic!("{cmd}: {e}");
            }
        }
        out
    }

    /// Waits for an event matching `f`, skipping others (errors fail the test).
    pub async fn wait_for<T>(
        &mut self,
        what: &str,
        mut f: impl FnMut(&ChatOutput) -> Option<T>,
    ) -> T {
        loop {
            let ev = tokio::time::timeout(WAIT, self.events.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("event channel closed");
            if let ChatOutput::Error(e) = &ev {
                panic!("error while waiting for {what}: {e}");
            }
            if let Some(t) = f(&ev) {
                return t;
            }
        }
    }

    pub async fn wait_connected(&mut self, name: &str) {
        self.wait_for(&format!("{name} connected"), |o| match o {
            ChatOutput::ContactConnected { contact } if contact.local_name == name => Some(()),
            _ => None,
        })
        .await;
    }

    /// Waits for a received message with this text from `name`.
    pub async fn wait_msg(&mut self, name: &str, text: &str) -> simplex_chat::store::ChatItem {
        self.wait_for(&format!("{name}> {text}"), |o| match o {
            ChatOutput::NewItem { contact, item }
                if contact == name && !item.sent && item.text == text =>
            {
                Some(item.clone())
            }
            _ => None,
        })
        .await
    }

    /// The rendered `/tail` text.
    pub async fn tail(&self, args: &str) -> String {
        let out = self.exec(&format!("/tail{args}")).await;
        out.iter()
            .flat_map(|o| simplex_chat::view::render(o, false))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Connects `a` and `b` by a one-time invitation of `a`.
pub async fn connect(a: &mut Client, a_name: &str, b: &mut Client, b_name: &str) {
    let out = a.exec("/c").await;
    let link = match &out[0] {
        ChatOutput::Invitation {
            link, short_link, ..
        } => short_link.clone().unwrap_or(link.clone()),
        o => panic!("expected an invitation, got {o:?}"),
    };
    let out = b.exec(&format!("/c {link}")).await;
    assert!(
        matches!(
            out[0],
            ChatOutput::ConnectionSent {
                via_address: false,
                ..
            }
        ),
        "{out:?}"
    );
    a.wait_connected(b_name).await;
    b.wait_connected(a_name).await;
}

impl Relay {
    /// Whether the relay's store holds the queue with this recipient id.
    pub fn has_queue(&self, rcv_id: &[u8]) -> bool {
        let Ok(id) = <[u8; 24]>::try_from(rcv_id) else {
            return false;
        };
        self.handle
            .env()
            .store
            .queue_by_recipient(&id)
            .unwrap()
            .is_some()
    }
}

impl Client {
    /// The recipient ids of the receive queues of the active user's agent.
    pub fn rcv_queues(&self) -> std::collections::HashSet<Vec<u8>> {
        let user = self.chat.active_user().unwrap().unwrap();
        let agent = self.chat.agent(user.user_id).unwrap();
        let uid = agent.user_id();
        agent
            .store()
            .transaction(|tx| {
                let mut ids = std::collections::HashSet::new();
                for c in tx.conns(uid)? {
                    ids.extend(tx.rcv_queues(&c.conn_id)?.into_iter().map(|q| q.rcv_id));
                }
                Ok::<_, simplex_agent::store::StoreError>(ids)
            })
            .unwrap()
    }

    /// After a deletion: at least `n` of the queues the client had `before` are gone from
    /// its agent, and every one of those is gone on the relay too (the agent deletes them
    /// in the background, so this polls).
    pub async fn expect_queues_deleted(
        &self,
        relay: &Relay,
        before: &std::collections::HashSet<Vec<u8>>,
        n: usize,
    ) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let now = self.rcv_queues();
            let gone: Vec<_> = before.difference(&now).collect();
            if gone.len() >= n && gone.iter().all(|q| !relay.has_queue(q)) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} of {n} queues deleted locally, {} still on the relay",
                gone.len(),
                gone.iter().filter(|q| relay.has_queue(q)).count()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A running XFTP relay and its address as `/xftp` takes it.
pub struct FileRelay {
    pub server: xftp_server::XftpServer,
    pub uri: String,
    _dir: tempfile::TempDir,
}

pub async fn start_file_relay() -> FileRelay {
    let dir = tempfile::tempdir().unwrap();
    let creds = generate_credentials(SignAlgorithm::Ed448, "localhost").unwrap();
    let cfg = xftp_server::ServerConfig::new("127.0.0.1:0", dir.path().join("files"));
    let server = xftp_server::XftpServer::start(cfg, &creds.server_credentials())
        .await
        .unwrap();
    let addr = xftp_desc::XftpServer {
        hosts: vec!["127.0.0.1".into()],
        port: server.addr().port().to_string(),
        key_hash: creds.fingerprint().unwrap().to_vec(),
    };
    FileRelay {
        server,
        uri: addr.to_string(),
        _dir: dir,
    }
}

impl Client {
    /// The configuration of the active user's agent, to open it on its own after the
    /// client is dropped (to read the wire).
    pub fn agent_config(&self, relay: &Relay) -> AgentConfig {
        let user = self.chat.active_user().unwrap().unwrap();
        let chat_cfg = ChatConfig::new(&self.prefix, "test passphrase", vec![relay.relay_config()]);
        let mut cfg = AgentConfig::new(
            chat_cfg.agent_db_path(&user.agent_db),
            &chat_cfg.passphrase,
            chat_cfg.relays.clone(),
        );
        tweak(&mut cfg);
        cfg
    }
}

/// Opens an agent on its own and returns the `x.msg.new` containers of the first `n`
/// such messages it receives (every message is acknowledged).
pub async fn receive_msg_news(
    cfg: AgentConfig,
    n: usize,
) -> Vec<chat_proto::container::MsgContainer> {
    use chat_proto::event::ChatMsgEvent;
    use chat_proto::parse::{ParsedBody, parse_chat_messages};
    let (agent, mut events) = simplex_agent::Agent::open(cfg).await.unwrap();
    let mut got = Vec::new();
    tokio::time::timeout(WAIT, async {
        while got.len() < n {
            let Some(ev) = events.recv().await else {
                panic!("the agent stopped")
            };
            let simplex_agent::AgentEvent::Msg {
                conn_id, id, body, ..
            } = ev
            else {
                continue;
            };
            agent.ack(&conn_id, id, None).await.unwrap();
            for parsed in parse_chat_messages(&body) {
                if let ParsedBody::Json(m) = parsed.unwrap().body
                    && let ChatMsgEvent::MsgNew(container) = m.event
                {
                    got.push(*container);
                }
            }
        }
    })
    .await
    .expect("too few x.msg.new reached the agent");
    got
}
