//! Two agents talking through a relay started in this process on loopback: they connect
//! by invitation, exchange a few messages, and one of them is reopened from its
//! encrypted database in between. Run with `cargo run -p simplex-agent --example two_agents`.

use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;

use simplex_agent::store::ConnId;
use simplex_agent::{Agent, AgentConfig, AgentEvent, RelayConfig};
use simplex_transport::{SignAlgorithm, generate_credentials};
use smp_proto::SmpServer;
use smp_server::{Server, ServerConfig, ServerHandle};
use smp_store::MemoryStore;
use tokio::sync::mpsc::Receiver;

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// Starts a relay with an in-memory store on a free loopback port.
async fn start_relay() -> Res<(ServerHandle, RelayConfig)> {
    let config = ServerConfig {
        listen: vec![SocketAddr::from(([127, 0, 0, 1], 0))],
        ..ServerConfig::default()
    };
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost")?.server_credentials();
    let key_hash = creds.fingerprint()?;
    let handle = Server::start(config, Arc::new(MemoryStore::new()), creds).await?;
    let addr = *handle.local_addrs().first().ok_or("relay has no address")?;
    let server = SmpServer {
        hosts: vec!["localhost".into()],
        port: addr.port().to_string(),
        key_hash,
    };
    let relay = RelayConfig {
        connect_addr: Some(addr),
        ..RelayConfig::new(server)
    };
    Ok((handle, relay))
}

/// Prints events until one that `stop` accepts, and returns it.
async fn until(
    name: &str,
    events: &mut Receiver<AgentEvent>,
    stop: impl Fn(&AgentEvent) -> bool,
) -> Res<AgentEvent> {
    while let Some(ev) = events.recv().await {
        match &ev {
            AgentEvent::Msg { body, id, .. } => {
                println!("{name}: message {id}: {}", String::from_utf8_lossy(body))
            }
            AgentEvent::Sent { id, .. } => println!("{name}: sent {id}"),
            other => println!("{name}: {other:?}"),
        }
        if stop(&ev) {
            return Ok(ev);
        }
    }
    Err("event channel closed".into())
}

async fn exchange(
    from: (&str, &Agent, &ConnId),
    to: (&str, &mut Receiver<AgentEvent>),
    n: usize,
) -> Res<()> {
    for i in 0..n {
        from.1
            .send(from.2, format!("hello {i} from {}", from.0).as_bytes())
            .await?;
    }
    for _ in 0..n {
        until(to.0, to.1, |e| matches!(e, AgentEvent::Msg { .. })).await?;
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res<()> {
    let (_relay, relay_cfg) = start_relay().await?;
    let dir = tempfile::tempdir()?;
    let config =
        |file: &str| AgentConfig::new(dir.path().join(file), "passphrase", vec![relay_cfg.clone()]);
    let (alice, mut a_events) = Agent::open(config("alice.db")).await?;
    let (bob, mut b_events) = Agent::open(config("bob.db")).await?;

    let (a_conn, link) = alice.create_invitation().await?;
    println!("alice: invitation {link}");
    let b_conn = bob.join(&link, b"bob").await?;
    let AgentEvent::Conf { conf_id, .. } = until("alice", &mut a_events, |e| {
        matches!(e, AgentEvent::Conf { .. })
    })
    .await?
    else {
        return Err("expected CONF".into());
    };
    alice.allow(&a_conn, &conf_id, b"alice").await?;
    until("alice", &mut a_events, |e| {
        matches!(e, AgentEvent::Con { .. })
    })
    .await?;
    until("bob", &mut b_events, |e| {
        matches!(e, AgentEvent::Con { .. })
    })
    .await?;

    exchange(("alice", &alice, &a_conn), ("bob", &mut b_events), 3).await?;
    exchange(("bob", &bob, &b_conn), ("alice", &mut a_events), 3).await?;

    println!("-- bob closes; alice sends; bob reopens from his database");
    drop(bob);
    drop(b_events);
    alice.send(&a_conn, b"while you were away").await?;
    let (bob, mut b_events) = Agent::open(config("bob.db")).await?;
    until("bob", &mut b_events, |e| {
        matches!(e, AgentEvent::Msg { .. })
    })
    .await?;
    exchange(("bob", &bob, &b_conn), ("alice", &mut a_events), 2).await?;
    Ok(())
}
