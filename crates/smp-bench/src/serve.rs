//! `serve`: a relay in this process, for the commands that measure it from outside.
//!
//! Prints `READY addr=127.0.0.1:PORT uri=smp://... open_ms=N start_ms=N queues=N
//! messages=N` once it accepts connections, then runs until its standard input closes
//! or it gets SIGINT or SIGTERM.

use crate::cli::{DurabilityArg, ServeArgs, StoreArgs, StoreKind};
use crate::relay::LocalRelay;
use anyhow::{Context, Result};
use std::io::{Read, Write};
use std::time::Instant;

/// The command-line words that give a child the same store settings.
pub fn store_args(s: &StoreArgs) -> Vec<String> {
    let mut v = vec![
        "--store".to_owned(),
        match s.store {
            StoreKind::Durable => "durable",
            StoreKind::Memory => "memory",
        }
        .to_owned(),
        "--durability".to_owned(),
        match s.durability {
            DurabilityArg::Fsync => "fsync",
            DurabilityArg::Os => "os",
            DurabilityArg::None => "none",
        }
        .to_owned(),
    ];
    if let Some(d) = &s.dir {
        v.push("--dir".to_owned());
        v.push(d.display().to_string());
    }
    if s.compact_on_open {
        v.push("--compact-on-open".to_owned());
    }
    if s.compact_after_start {
        v.push("--compact-after-start".to_owned());
    }
    v
}

/// Runs `serve`.
pub fn run(a: &ServeArgs) -> Result<()> {
    let started = Instant::now();
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(w) = a.workers {
        rt.worker_threads(w.max(1));
    }
    let rt = rt
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    let result = rt.block_on(async {
        let relay = LocalRelay::start(&a.store, a.port).await?;
        let counts = relay.counts();
        println!(
            "READY addr={} uri={} open_ms={:.1} start_ms={:.1} queues={} messages={}",
            relay
                .target
                .connect
                .map(|c| c.to_string())
                .unwrap_or_default(),
            relay.target.uri(),
            relay.store_open.as_secs_f64() * 1e3,
            started.elapsed().as_secs_f64() * 1e3,
            counts.queues,
            counts.messages,
        );
        std::io::stdout().flush().context("stdout")?;
        wait_for_stop().await;
        relay.stop().await
    });
    // The thread blocked reading standard input is not waited for.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    result
}

/// Returns when standard input reaches its end or the process gets SIGINT or SIGTERM.
async fn wait_for_stop() {
    use tokio::signal::unix::{SignalKind, signal};
    let stdin_closed = tokio::task::spawn_blocking(|| {
        let mut buf = [0u8; 256];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
    });
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        let _ = stdin_closed.await;
        return;
    };
    tokio::select! {
        _ = stdin_closed => {}
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}
