//! `smp-server start`: loads the configuration, credentials and store, runs the relay until
//! SIGINT or SIGTERM, then shuts it down gracefully.

use super::args::StartArgs;
use super::console;
use super::ini::Settings;
use super::init::UNKNOWN_HOST;
use super::paths::Paths;
use crate::server::Server;
use anyhow::{Context, Result, bail};
use simplex_transport::ServerCredentials;
use smp_store::{DurableStore, MemoryStore, MsgStore, Store};
use std::sync::Arc;
use std::time::Duration;

/// How long shutdown waits for open connections to close.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The store the relay runs on.
enum OpenStore {
    Durable(Arc<DurableStore>),
    Memory(Arc<MemoryStore>),
}

impl OpenStore {
    fn shared(&self) -> Arc<dyn Store> {
        match self {
            OpenStore::Durable(s) => s.clone(),
            OpenStore::Memory(s) => s.clone(),
        }
    }

    /// Compacts a durable store now.
    fn compact(&self) -> Result<()> {
        if let OpenStore::Durable(s) = self {
            s.compact().context("store compaction failed")?;
        }
        Ok(())
    }

    /// Compacts a durable store in a thread of its own (writes go on meanwhile).
    fn compact_in_background(&self) {
        if let OpenStore::Durable(s) = self {
            let s = s.clone();
            std::thread::spawn(move || {
                if let Err(e) = s.compact() {
                    tracing::warn!("store compaction failed: {e}");
                }
            });
        }
    }

    /// Flushes and closes a durable store, reporting an earlier write failure.
    fn close(self) -> Result<()> {
        if let OpenStore::Durable(s) = self {
            match Arc::try_unwrap(s) {
                Ok(s) => s.close().context("the store reported a write failure")?,
                // Still referenced by a connection task: it is flushed when dropped.
                Err(s) => drop(s),
            }
        }
        Ok(())
    }
}

/// Runs `start`.
pub fn run(paths: &Paths, args: &StartArgs) -> Result<()> {
    let ini_file = paths.ini_file();
    if !ini_file.exists() {
        bail!(
            "server is not initialized ({} does not exist).\nRun `smp-server init` first.",
            ini_file.display()
        );
    }
    let settings =
        Settings::load(&ini_file).with_context(|| format!("in {}", ini_file.display()))?;
    for key in &settings.ignored {
        tracing::warn!("{key}");
    }
    let creds = ServerCredentials::load_from_dir(&paths.cfg_dir)
        .context("cannot load the server credentials")?;
    let fingerprint = check_fingerprint(paths, &creds)?;
    print_config(paths, &settings, &fingerprint);
    check_reference_store(paths, args, &settings)?;
    let store = open_store(paths, &settings)?;
    if args.maintenance {
        store.compact()?;
        println!("Maintenance mode: the store was opened and compacted; not starting the server.");
        return store.close();
    }
    // Compaction (as the reference compacts its store log on start) runs beside the
    // server, which serves from the moment the store is loaded.
    store.compact_in_background();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(serve(&settings, store.shared(), creds));
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    let closed = store.close();
    result.and(closed)?;
    println!("Server stopped.");
    Ok(())
}

/// Checks the fingerprint file against `ca.crt` (as the reference does on start).
fn check_fingerprint(paths: &Paths, creds: &ServerCredentials) -> Result<[u8; 32]> {
    let file = paths.fingerprint_file();
    let saved = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let fingerprint = creds
        .fingerprint()
        .context("cannot compute the CA fingerprint")?;
    let saved = saved.lines().next().unwrap_or_default();
    if saved != simplex_transport::fingerprint_text(&fingerprint) {
        bail!(
            "stored fingerprint is invalid: {} does not match {}",
            file.display(),
            paths
                .cfg_dir
                .join(simplex_transport::cred_files::CA_CERT_FILE)
                .display()
        );
    }
    Ok(fingerprint)
}

/// The server address for clients: the configured host, and the port unless it is the
/// default one.
pub fn start_address(settings: &Settings, fingerprint: &[u8; 32]) -> String {
    let host = settings.host.as_deref().unwrap_or(UNKNOWN_HOST);
    let port = match settings.ports.first() {
        Some(&p) if !settings.ports.contains(&crate::cli::ini::DEFAULT_PORT) => Some(p),
        _ => None,
    };
    console::server_address(fingerprint, settings.create_password.as_ref(), host, port)
}

fn print_config(paths: &Paths, s: &Settings, fingerprint: &[u8; 32]) {
    console::print_service_info(fingerprint, &start_address(s, fingerprint));
    console::print_source_code(s.source_code.as_deref());
    if s.store_log {
        println!(
            "Store log: {} (durability: {})",
            paths.store_dir().display(),
            durability_name(s.durability)
        );
    } else {
        println!("Store log disabled.");
    }
    println!(
        "expiring messages after {}",
        show_ttl(s.msg_expiry().as_secs())
    );
    match s.inactive_clients {
        Some(c) => println!(
            "expiring clients inactive for {} seconds every {} seconds",
            c.ttl.as_secs(),
            c.check_interval.as_secs()
        ),
        None => println!("not expiring inactive clients"),
    }
    let creating = match (s.new_queues, &s.create_password) {
        (false, _) => "NOT allowed",
        (true, Some(_)) => "requires password",
        (true, None) => "allowed",
    };
    println!("creating new queues {creating}");
}

fn durability_name(d: smp_store::Durability) -> &'static str {
    match d {
        smp_store::Durability::Fsync => "fsync",
        smp_store::Durability::Os => "os",
        smp_store::Durability::None => "none",
    }
}

/// The reference's `showTTL`: the largest whole unit.
pub fn show_ttl(secs: u64) -> String {
    let (mins, s) = (secs / 60, secs % 60);
    let (hours, m) = (mins / 60, mins % 60);
    let (days, h) = (hours / 24, hours % 24);
    if s != 0 {
        format!("{secs} seconds")
    } else if m != 0 {
        format!("{mins} minutes")
    } else if h != 0 {
        format!("{hours} hours")
    } else {
        format!("{days} days")
    }
}

/// Refuses to start an empty store next to the reference relay's data, which would make
/// every existing queue disappear for its clients.
fn check_reference_store(paths: &Paths, args: &StartArgs, s: &Settings) -> Result<()> {
    let found = paths.reference_store_files();
    if found.is_empty() || !s.store_log || paths.store_dir().exists() {
        return Ok(());
    }
    let list: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
    if args.skip_warnings {
        tracing::warn!(
            "the reference server's store ({}) is not imported; starting with an empty store",
            list.join(", ")
        );
        return Ok(());
    }
    bail!(
        "found the reference server's store ({}), which this server cannot import: its queues \
         would be lost to their clients. Move these files away, or pass --skip-warnings to \
         start with an empty store.",
        list.join(", ")
    )
}

fn open_store(paths: &Paths, s: &Settings) -> Result<OpenStore> {
    if !s.store_log {
        return Ok(OpenStore::Memory(Arc::new(MemoryStore::new())));
    }
    let dir = paths.store_dir();
    let store = DurableStore::open(s.store_config(&dir))
        .with_context(|| format!("cannot open the store in {}", dir.display()))?;
    let counts = store.counts().unwrap_or_default();
    tracing::info!(
        queues = counts.queues,
        messages = counts.messages,
        "store opened"
    );
    Ok(OpenStore::Durable(Arc::new(store)))
}

async fn serve(settings: &Settings, store: Arc<dyn Store>, creds: ServerCredentials) -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    // Installed before the ports open, so that no signal finds the default action.
    let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    let handle = Server::start(settings.server_config(), store, creds)
        .await
        .context("cannot start the server")?;
    let smp_ports = settings.ports.len();
    for (i, addr) in handle.local_addrs().iter().enumerate() {
        if i < smp_ports {
            println!("Serving SMP protocol on port {} (TLS)...", addr.port());
        } else {
            println!("Serving Prometheus metrics on http://{addr}/metrics");
        }
    }
    let which = tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    };
    println!("Received {which}, stopping the server...");
    handle.shutdown(SHUTDOWN_GRACE).await;
    Ok(())
}
