//! Durability under crashes: two agents run as child processes (this test binary,
//! re-executed as `durability_child`, driven over stdin/stdout), connect through a relay
//! with the durable store, and each sends N numbered messages while the harness
//! SIGKILLs and restarts each agent and restarts the relay at random points. At the end
//! every message is stored exactly once and in order on each side.
//!
//! Child protocol (lines on stdout; anything else is ignored):
//! - setup, from stdin: `invite` → `LINK <link>`; `join <link>`; then `CON` when connected;
//! - on every start with a connection: `HAVE <i>` (the last message index already stored,
//!   -1 for none), then `RCVD <i>` for each new message, and `SENT_ALL` once all N are
//!   stored for sending (the sender resumes after the last message it stored).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use simplex_agent::store::{ConnId, ConnStatus, Integrity, MsgType, Store, StoreError};
use simplex_agent::{Agent, AgentConfig, AgentEvent, RelayConfig};
use simplex_transport::{ServerCredentials, SignAlgorithm, generate_credentials};
use smp_proto::SmpServer;
use smp_server::{Server, ServerConfig, ServerHandle};
use smp_store::{DurableStore, StoreConfig};

const PASSPHRASE: &str = "durability test";
const ENV_DB: &str = "SIMPLEX_AGENT_CHILD_DB";
const ENV_SERVER: &str = "SIMPLEX_AGENT_CHILD_SERVER";
const ENV_ADDR: &str = "SIMPLEX_AGENT_CHILD_ADDR";
const ENV_N: &str = "SIMPLEX_AGENT_CHILD_N";

// ---------------------------------------------------------------------------------------
// the child

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} not set"))
}

/// The index of a message body `m <i>`.
fn index(body: &[u8]) -> Option<i64> {
    std::str::from_utf8(body)
        .ok()?
        .strip_prefix("m ")?
        .parse()
        .ok()
}

/// The agent's one active connection, the last index it stored for sending and the last
/// index it received.
fn resume_point(agent: &Agent) -> Option<(ConnId, i64, i64)> {
    let user = agent.user_id();
    agent
        .store()
        .transaction(|tx| {
            let Some(conn) = tx
                .conns(user)?
                .into_iter()
                .find(|c| c.status == ConnStatus::Active)
            else {
                return Ok::<_, StoreError>(None);
            };
            // the last app message sent: app messages go out in order, one row each
            // (their bodies are cleared once delivered, the rows stay for receipts; the
            // chain also holds `A_QCONT` and the connection info)
            let mut sent = -1;
            for id in 1..=conn.last_snd_msg_id {
                let m = tx.snd_message_by_snd_id(&conn.conn_id, id)?;
                if m.is_some_and(|m| m.msg_type == MsgType::Msg) {
                    sent += 1;
                }
            }
            let have = tx
                .unacked_rcv_messages(&conn.conn_id)?
                .iter()
                .rev()
                .find(|m| m.msg_type == MsgType::Msg)
                .and_then(|m| index(m.body.as_bytes()))
                .unwrap_or(-1);
            Ok(Some((conn.conn_id, sent, have)))
        })
        .unwrap()
}

async fn child_main() {
    let (server, _) = SmpServer::parse_uri("smp", &env(ENV_SERVER)).unwrap();
    let addr: SocketAddr = env(ENV_ADDR).parse().unwrap();
    let n: i64 = env(ENV_N).parse().unwrap();
    let relay = RelayConfig {
        connect_addr: Some(addr),
        ..RelayConfig::new(server)
    };
    let mut cfg = AgentConfig::new(env(ENV_DB), PASSPHRASE, vec![relay]);
    cfg.request_timeout = Duration::from_secs(5);
    cfg.retry_delay = Duration::from_millis(100);
    cfg.max_retry_delay = Duration::from_secs(1);
    // after `ERR QUOTA` a sender waits for `A_QCONT`, but when both queues are full each
    // side's `A_QCONT` is queued behind its own refused message, so only the slow retry
    // (5 minutes by default) gets them going again
    cfg.delivery.slow_retry_delay = Duration::from_secs(1);
    cfg.delivery.max_slow_retry_delay = Duration::from_secs(2);
    // libtest has written "test durability_child ... " without a line end: end that line
    println!();
    let (agent, mut events) = Agent::open(cfg).await.unwrap();
    let agent = Arc::new(agent);

    if resume_point(&agent).is_none() {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).unwrap();
        let line = line.trim();
        if line == "invite" {
            let (_, link) = agent.create_invitation().await.unwrap();
            println!("LINK {link}");
        } else if let Some(link) = line.strip_prefix("join ") {
            agent.join(link, b"b").await.unwrap();
        } else {
            panic!("unexpected command {line}");
        }
        loop {
            match events.recv().await.unwrap() {
                AgentEvent::Conf {
                    conn_id, conf_id, ..
                } => agent.allow(&conn_id, &conf_id, b"a").await.unwrap(),
                AgentEvent::Con { .. } => break,
                AgentEvent::Error { err, .. } => eprintln!("error: {err}"),
                _ => {}
            }
        }
        println!("CON");
    }

    let (conn, sent, have) = resume_point(&agent).unwrap();
    println!("HAVE {have}");
    let sender = agent.clone();
    tokio::spawn(async move {
        for i in sent + 1..n {
            sender
                .send(&conn, format!("m {i}").as_bytes())
                .await
                .unwrap();
        }
        println!("SENT_ALL");
    });
    while let Some(ev) = events.recv().await {
        match ev {
            AgentEvent::Msg { body, .. } => {
                let i = index(&body).unwrap();
                if i > have {
                    println!("RCVD {i}");
                }
            }
            AgentEvent::Error { err, .. } => eprintln!("error: {err}"),
            _ => {}
        }
    }
}

#[test]
#[ignore = "child process of the durability tests"]
fn durability_child() {
    if std::env::var(ENV_DB).is_err() {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(child_main());
}

// ---------------------------------------------------------------------------------------
// the harness

/// A relay with the durable store in `dir`, restartable on the same port and key.
struct DurableRelay {
    dir: PathBuf,
    addr: SocketAddr,
    creds: ServerCredentials,
    server: SmpServer,
    handle: Option<ServerHandle>,
}

impl DurableRelay {
    async fn start(dir: &Path) -> DurableRelay {
        let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost")
            .unwrap()
            .server_credentials();
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let server = SmpServer {
            hosts: vec!["localhost".into()],
            port: addr.port().to_string(),
            key_hash: creds.fingerprint().unwrap(),
        };
        let mut relay = DurableRelay {
            dir: dir.to_owned(),
            addr,
            creds,
            server,
            handle: None,
        };
        relay.run().await;
        relay
    }

    async fn run(&mut self) {
        let mut tries = 0;
        let store = loop {
            match DurableStore::open(StoreConfig::new(&self.dir)) {
                Ok(s) => break s,
                Err(e) if tries < 100 => {
                    tries += 1;
                    eprintln!("relay store not ready: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("relay store: {e}"),
            }
        };
        let config = ServerConfig {
            listen: vec![self.addr],
            ..ServerConfig::default()
        };
        let handle = Server::start(config, Arc::new(store), self.creds.clone())
            .await
            .unwrap();
        self.handle = Some(handle);
    }

    async fn restart(&mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown(Duration::from_secs(2)).await;
        }
        self.run().await;
    }
}

/// One side of the test: its child process and what it reported.
struct Side {
    name: &'static str,
    db: PathBuf,
    log: PathBuf,
    child: Option<(Child, ChildStdin)>,
    /// The last message index known stored (from `HAVE` and `RCVD`).
    have: i64,
    /// The next `RCVD` index the current process must print.
    expect: Option<i64>,
    restarts: usize,
}

impl Drop for Side {
    fn drop(&mut self) {
        kill(self);
    }
}

/// The last lines of a side's log (the children's stderr).
fn log_tail(side: &Side) -> String {
    let log = std::fs::read_to_string(&side.log).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// What a child printed, by side.
type Lines = std_mpsc::Receiver<(usize, String)>;

fn spawn(
    side: &Side,
    idx: usize,
    relay: &DurableRelay,
    n: i64,
    tx: &std_mpsc::Sender<(usize, String)>,
) -> (Child, ChildStdin) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&side.log)
        .unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "durability_child", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(ENV_DB, &side.db)
        .env(ENV_SERVER, relay.server.to_uri("smp", None))
        .env(ENV_ADDR, relay.addr.to_string())
        .env(ENV_N, n.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stdin = child.stdin.take().unwrap();
    let tx = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send((idx, line)).is_err() {
                break;
            }
        }
    });
    (child, stdin)
}

/// Waits for a line of side `idx` starting with `prefix`, handling the others (polling,
/// so that the in-process relay keeps running on this runtime).
async fn wait_line(lines: &Lines, sides: &mut [Side; 2], idx: usize, prefix: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let Ok((i, line)) = lines.try_recv() else {
            if Instant::now() > deadline {
                let logs: Vec<String> = sides
                    .iter()
                    .map(|s| std::fs::read_to_string(&s.log).unwrap_or_default())
                    .collect();
                panic!("timed out waiting for {prefix} from a child; logs: {logs:#?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        handle_line(sides, i, &line);
        if i == idx && line.starts_with(prefix) {
            return line;
        }
    }
}

/// Tracks progress and checks the order of what a child reports.
fn handle_line(sides: &mut [Side; 2], idx: usize, line: &str) {
    let side = &mut sides[idx];
    if let Some(h) = line.strip_prefix("HAVE ") {
        let h: i64 = h.parse().unwrap();
        assert!(
            h >= side.have,
            "{}: stored messages went back: {h} < {}",
            side.name,
            side.have
        );
        side.have = h;
        side.expect = Some(h + 1);
    } else if let Some(r) = line.strip_prefix("RCVD ") {
        let r: i64 = r.parse().unwrap();
        let expect = side.expect.expect("RCVD before HAVE");
        assert_eq!(r, expect, "{}: message out of order or repeated", side.name);
        side.expect = Some(r + 1);
        side.have = side.have.max(r);
    }
}

fn kill(side: &mut Side) {
    if let Some((mut child, _)) = side.child.take() {
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
}

/// Checks the store of a side: exactly `n` app messages received, `m 0 ..`, in order,
/// with intact integrity, and `n` app messages sent.
fn check_store(side: &Side, n: i64) {
    let store = Store::open(&side.db, PASSPHRASE).unwrap();
    let (received, sent) = store
        .transaction(|tx| {
            let user = tx.users()?[0].user_id;
            let conn = tx.conns(user)?.into_iter().next().unwrap();
            let received: Vec<_> = tx
                .unacked_rcv_messages(&conn.conn_id)?
                .into_iter()
                .filter(|m| m.msg_type == MsgType::Msg)
                .collect();
            let mut sent = std::collections::BTreeMap::new();
            for id in 1..=conn.last_snd_msg_id {
                if let Some(m) = tx.snd_message_by_snd_id(&conn.conn_id, id)? {
                    *sent.entry(m.msg_type.as_str()).or_insert(0i64) += 1;
                }
            }
            Ok::<_, StoreError>((received, sent))
        })
        .unwrap();
    assert_eq!(received.len() as i64, n, "{}: received count", side.name);
    for (i, m) in received.iter().enumerate() {
        assert_eq!(
            m.body.as_bytes(),
            format!("m {i}").as_bytes(),
            "{}",
            side.name
        );
        assert_eq!(m.integrity, Integrity::Ok, "{}: message {i}", side.name);
    }
    // besides app messages: the connection info and `A_QCONT` after quota markers
    eprintln!("durability: {} sent {sent:?}", side.name);
    assert_eq!(sent.get("msg"), Some(&n), "{}: sent count", side.name);
}

/// Runs the whole scenario; returns (elapsed, agent kills, relay restarts).
async fn crash_and_restart(n: i64, chaos: usize) -> (Duration, usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut relay = DurableRelay::start(&dir.path().join("relay")).await;
    let (tx, lines) = std_mpsc::channel();
    let new_side = |name: &'static str| Side {
        name,
        db: dir.path().join(format!("{name}.db")),
        log: dir.path().join(format!("{name}.log")),
        child: None,
        have: -1,
        expect: None,
        restarts: 0,
    };
    let mut sides = [new_side("a"), new_side("b")];
    for (i, side) in sides.iter_mut().enumerate() {
        side.child = Some(spawn(side, i, &relay, n, &tx));
    }
    let send_line = |side: &mut Side, s: &str| {
        let (_, stdin) = side.child.as_mut().unwrap();
        writeln!(stdin, "{s}").unwrap();
    };
    send_line(&mut sides[0], "invite");
    let link = wait_line(&lines, &mut sides, 0, "LINK ").await;
    send_line(&mut sides[1], &format!("join {}", &link["LINK ".len()..]));
    wait_line(&lines, &mut sides, 0, "CON").await;
    wait_line(&lines, &mut sides, 1, "CON").await;

    let seed: u64 = rand::rng().random();
    eprintln!("durability: n = {n}, chaos = {chaos}, seed = {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let started = Instant::now();
    let (mut kills, mut relay_restarts) = (0, 0);
    let mut next_chaos = Instant::now() + Duration::from_millis(rng.random_range(200..1500));
    let limit = Duration::from_secs(90 + u64::try_from(n).unwrap() / 5);
    while sides.iter().any(|s| s.have < n - 1) {
        assert!(
            started.elapsed() < limit,
            "no progress: a {} b {}\na: {}\nb: {}",
            sides[0].have,
            sides[1].have,
            log_tail(&sides[0]),
            log_tail(&sides[1])
        );
        while let Ok((i, line)) = lines.try_recv() {
            handle_line(&mut sides, i, &line);
        }
        if kills + relay_restarts < chaos && Instant::now() >= next_chaos {
            match rng.random_range(0..5) {
                0 => {
                    eprintln!("{:?} relay restart", started.elapsed());
                    relay.restart().await;
                    relay_restarts += 1;
                }
                k => {
                    let i = usize::from(k > 2);
                    eprintln!(
                        "{:?} kill {} (have a {} b {})",
                        started.elapsed(),
                        sides[i].name,
                        sides[0].have,
                        sides[1].have
                    );
                    kill(&mut sides[i]);
                    // what the killed process printed is still in the channel
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    while let Ok((j, line)) = lines.try_recv() {
                        handle_line(&mut sides, j, &line);
                    }
                    sides[i].expect = None;
                    let c = spawn(&sides[i], i, &relay, n, &tx);
                    sides[i].child = Some(c);
                    sides[i].restarts += 1;
                    kills += 1;
                }
            }
            next_chaos = Instant::now()
                + Duration::from_millis(rng.random_range(200..2000 + n.unsigned_abs()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let elapsed = started.elapsed();
    for side in &mut sides {
        kill(side);
    }
    for side in &sides {
        check_store(side, n);
    }
    eprintln!(
        "durability: {n} messages each way in {elapsed:?}, {kills} agent kills (a {}, b {}), {relay_restarts} relay restarts",
        sides[0].restarts, sides[1].restarts
    );
    (elapsed, kills, relay_restarts)
}

/// A number from the environment (to run the scenario by hand with other sizes).
fn param(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_survive_agent_kills_and_relay_restarts() {
    // a debug build moves a few messages per second on a loaded 2-core machine
    let n = param("DURABILITY_N", 100);
    let chaos = param("DURABILITY_CHAOS", 6);
    let (_, kills, restarts) = crash_and_restart(n as i64, chaos).await;
    assert!(kills + restarts > 0, "the scenario injected failures");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: 10,000 messages each way (run in release, see docs/agent-design.md)"]
async fn ten_thousand_messages_survive_agent_kills_and_relay_restarts() {
    let (_, kills, restarts) = crash_and_restart(10_000, 40).await;
    assert!(kills + restarts > 0, "the scenario injected failures");
}
