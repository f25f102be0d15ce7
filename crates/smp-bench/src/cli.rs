//! The command line, and running a command (possibly several times) with its report.

use crate::report::{self, Report};
use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::json;
use std::net::SocketAddr;
use std::path::PathBuf;

/// `smp-bench`: load generator and measurements of the SMP relay (loopback only).
#[derive(Debug, Parser)]
#[command(name = "smp-bench", version, arg_required_else_help = true)]
pub struct Cli {
    /// The measurement.
    #[command(subcommand)]
    pub command: Cmd,
}

/// Measurements.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// SEND -> MSG -> ACK through one relay: messages/s and send-to-receive latency.
    Throughput(ThroughputArgs),
    /// The same TLS, block encryption, crypto_box and signatures without the relay logic
    /// and store: the messages/s upper bound on this machine.
    Bound(BoundArgs),
    /// Relay RSS per connected client subscribed to N queues (relay in a child process).
    Memory(MemoryArgs),
    /// Store RSS per idle queue (each store in a child process).
    StoreMemory(StoreMemoryArgs),
    /// Store open and relay start time with N queues holding one message each.
    Restart(RestartArgs),
    /// Run a relay in this process until standard input closes (or SIGINT/SIGTERM).
    Serve(ServeArgs),
    /// Steps run in a child process by the other commands.
    #[command(hide = true, subcommand)]
    Child(ChildCmd),
}

/// Which store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreKind {
    /// `smp_store::DurableStore` (the relay's default).
    Durable,
    /// `smp_store::MemoryStore`.
    Memory,
}

/// Durability of the durable store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DurabilityArg {
    /// fdatasync per group commit (the default).
    Fsync,
    /// Written to the OS.
    Os,
    /// Written in the background.
    None,
}

/// The relay's store.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Store kind.
    #[arg(long, value_enum, default_value = "durable")]
    pub store: StoreKind,
    /// Durability of the durable store.
    #[arg(long, value_enum, default_value = "fsync")]
    pub durability: DurabilityArg,
    /// Directory of the durable store (default: a new temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Compact the durable store when opening it, before listening (what `smp-server start`
    /// did before it compacted beside the running relay).
    #[arg(long)]
    pub compact_on_open: bool,
    /// Compact the durable store in a thread of its own once the relay listens, as
    /// `smp-server start` does; the relay waits for it when it stops.
    #[arg(long)]
    pub compact_after_start: bool,
}

/// Repetitions and output.
#[derive(Debug, Clone, Args)]
pub struct OutArgs {
    /// Run the measurement this many times and report the medians.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub runs: u32,
    /// Also print the results as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// The shape of a message load.
#[derive(Debug, Clone, Args, serde::Serialize)]
pub struct LoadArgs {
    /// Sender connections (and as many recipient connections).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pairs: u32,
    /// Queues per sender/recipient pair.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub queues: u32,
    /// Message body size in bytes (at least 16: the timestamp and sequence number).
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(16..=16048))]
    pub size: u32,
    /// Messages in flight per pair (sent and not yet acknowledged).
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=100000))]
    pub window: u32,
    /// Measured time in seconds (after the warm-up).
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Warm-up in seconds (messages received then are not counted).
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    /// Stop after this many messages in total (still bounded by the duration).
    #[arg(long)]
    pub messages: Option<u64>,
}

/// `throughput` options.
#[derive(Debug, Clone, Args)]
pub struct ThroughputArgs {
    /// The load.
    #[command(flatten)]
    pub load: LoadArgs,
    /// Target this relay (`smp://FINGERPRINT[:PASSWORD]@HOST[:PORT]`) instead of starting one.
    #[arg(long)]
    pub server: Option<String>,
    /// The socket address of `--server` (loopback only).
    #[arg(long, requires = "server")]
    pub connect: Option<SocketAddr>,
    /// Run the relay in a child process (`smp-bench serve`) and report its CPU time.
    #[arg(long, conflicts_with = "server")]
    pub spawn: bool,
    /// The relay's store (when this tool starts the relay).
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output.
    #[command(flatten)]
    pub out: OutArgs,
}

/// `bound` options.
#[derive(Debug, Clone, Args)]
pub struct BoundArgs {
    /// The load (as for `throughput`).
    #[command(flatten)]
    pub load: LoadArgs,
    /// Clients send each transmission (SEND, ACK) in its own block, as the clients of a
    /// `throughput` run mostly do, instead of batching them.
    #[arg(long)]
    pub one_per_block: bool,
    /// Output.
    #[command(flatten)]
    pub out: OutArgs,
}

/// `memory` options.
#[derive(Debug, Clone, Args)]
pub struct MemoryArgs {
    /// Connected clients.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=5000))]
    pub clients: u32,
    /// Queues each client subscribes to.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub queues_per_client: u32,
    /// The relay's store.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output.
    #[command(flatten)]
    pub out: OutArgs,
}

/// `store-memory` options.
#[derive(Debug, Clone, Args)]
pub struct StoreMemoryArgs {
    /// Idle queues to create.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(1..=50_000_000))]
    pub queues: u32,
    /// Which stores to measure.
    #[arg(long, value_enum, default_value = "both")]
    pub store: WhichStores,
    /// Give every queue notifier credentials too.
    #[arg(long)]
    pub notifier: bool,
    /// Output.
    #[command(flatten)]
    pub out: OutArgs,
}

/// One store or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WhichStores {
    /// The durable store.
    Durable,
    /// The memory store.
    Memory,
    /// Both, each in its own child process.
    Both,
}

/// `restart` options.
#[derive(Debug, Clone, Args)]
pub struct RestartArgs {
    /// Queues, each holding one message.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(1..=50_000_000))]
    pub queues: u32,
    /// Message body size in bytes.
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(0..=16048))]
    pub size: u32,
    /// Store directory (default: a new temporary directory, removed afterwards).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Output.
    #[command(flatten)]
    pub out: OutArgs,
}

/// `serve` options.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Tokio worker threads (default: one per core).
    #[arg(long)]
    pub workers: Option<usize>,
}

/// Steps that run in a child process.
#[derive(Debug, Clone, Subcommand)]
pub enum ChildCmd {
    /// Creates idle queues in a store and reports the RSS before and after.
    StoreFill {
        /// Queues.
        #[arg(long)]
        queues: u32,
        /// Store kind.
        #[arg(long, value_enum)]
        store: StoreKind,
        /// Give every queue notifier credentials.
        #[arg(long)]
        notifier: bool,
    },
    /// Creates queues with one message each in a durable store in `dir`, then closes it.
    RestartFill {
        /// Store directory.
        #[arg(long)]
        dir: PathBuf,
        /// Queues.
        #[arg(long)]
        queues: u32,
        /// Body size.
        #[arg(long)]
        size: u32,
    },
    /// Times opening the durable store in `dir`.
    RestartOpen {
        /// Store directory.
        #[arg(long)]
        dir: PathBuf,
    },
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Cmd::Throughput(a) => repeat("throughput", &a.out, params_throughput(&a), || {
            crate::throughput::run(&a)
        }),
        Cmd::Bound(a) => repeat(
            "bound",
            &a.out,
            json!({"load": a.load, "one_per_block": a.one_per_block}),
            || crate::bound::run(&a),
        ),
        Cmd::Memory(a) => repeat(
            "memory",
            &a.out,
            json!({"clients": a.clients, "queues_per_client": a.queues_per_client,
                   "store": format!("{:?}", a.store.store)}),
            || crate::memory::run(&a),
        ),
        Cmd::StoreMemory(a) => repeat(
            "store-memory",
            &a.out,
            json!({"queues": a.queues, "notifier": a.notifier}),
            || crate::store_mem::run(&a),
        ),
        Cmd::Restart(a) => repeat(
            "restart",
            &a.out,
            json!({"queues": a.queues, "size": a.size}),
            || crate::restart::run(&a),
        ),
        Cmd::Serve(a) => crate::serve::run(&a),
        Cmd::Child(c) => crate::child::run(&c),
    }
}

fn params_throughput(a: &ThroughputArgs) -> serde_json::Value {
    json!({
        "load": a.load,
        "server": a.server.is_some(),
        "spawn": a.spawn,
        "store": format!("{:?}", a.store.store),
        "durability": format!("{:?}", a.store.durability),
    })
}

/// Runs a measurement `out.runs` times, printing each run and the medians.
fn repeat(
    name: &str,
    out: &OutArgs,
    params: serde_json::Value,
    mut f: impl FnMut() -> Result<Report>,
) -> Result<()> {
    let mut runs = Vec::new();
    for i in 0..out.runs {
        let r = f()?;
        println!("{name} run {}/{}: {}", i + 1, out.runs, r.summary);
        println!("  {}", report::metrics_line(&r.metrics));
        runs.push(r);
    }
    if runs.len() > 1 {
        let med = report::medians(&runs);
        println!(
            "{name} median of {} runs: {}",
            runs.len(),
            report::metrics_line(&med)
        );
    }
    if out.json {
        println!("{}", report::document(name, params, &runs));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn throughput_defaults_and_bounds() {
        let cli = Cli::try_parse_from(["smp-bench", "throughput"]).unwrap();
        let Cmd::Throughput(a) = cli.command else {
            panic!("not throughput")
        };
        assert_eq!((a.load.pairs, a.load.size), (4, 128));
        assert_eq!(a.store.store, StoreKind::Durable);
        assert_eq!(a.store.durability, DurabilityArg::Fsync);
        assert!(Cli::try_parse_from(["smp-bench", "throughput", "--size", "8"]).is_err());
        assert!(
            Cli::try_parse_from(["smp-bench", "throughput", "--connect", "127.0.0.1:1"]).is_err()
        );
        assert!(
            Cli::try_parse_from(["smp-bench", "throughput", "--server", "x", "--spawn"]).is_err()
        );
        assert!(Cli::try_parse_from(["smp-bench", "bound", "--runs", "0"]).is_err());
    }
}
