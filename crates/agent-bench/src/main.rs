//! Benchmarks of the SimpleX client agent (`simplex-agent`): connection set-up time,
//! message throughput between two agents through one relay with the durable store, and
//! memory per connection. The relay runs in this process on loopback with its durable
//! store in a temporary directory; agents keep SQLCipher files in another. It depends on
//! the agent, relay and store crates only as their users; nothing depends on it.

mod connect;
mod memory;
mod setup;
mod stats;
mod throughput;

use anyhow::Result;
use clap::{Parser, Subcommand};
use serde::Serialize;

/// Command line of `agent-bench`.
#[derive(Debug, Parser)]
#[command(name = "agent-bench", about = "Benchmarks of the SimpleX client agent")]
struct Cli {
    /// Print the result as JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

/// The benchmarks.
#[derive(Debug, Subcommand)]
enum Cmd {
    /// Time from create_invitation until both sides have CON.
    Connect {
        /// Runs (fresh relay and agents each).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Connections per run.
        #[arg(long, default_value_t = 20)]
        n: usize,
    },
    /// Messages per second A -> B (until all Msg and Sent events arrived).
    Throughput {
        /// Runs (fresh relay and agents each).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Messages per pair.
        #[arg(long, default_value_t = 2000)]
        messages: usize,
        /// Body size in bytes.
        #[arg(long, default_value_t = 128)]
        size: usize,
        /// Agent pairs sending at the same time.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=4))]
        pairs: u16,
        /// Connections between the two agents of each pair (messages split between them).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
        conns: u16,
        /// Messages per `send_many` call (1: one `send` per message).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=1000))]
        batch: u16,
    },
    /// RSS growth per established connection.
    Memory {
        /// Connections to set up.
        #[arg(long, default_value_t = 200)]
        connections: usize,
    },
}

fn print<T: Serialize + std::fmt::Debug>(json: bool, report: &T) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!("{report:#?}");
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Connect { runs, n } => print(cli.json, &connect::run(runs, n).await?),
        Cmd::Throughput {
            runs,
            messages,
            size,
            pairs,
            conns,
            batch,
        } => {
            let o = throughput::ThroughputOpts {
                runs,
                messages,
                size,
                pairs: usize::from(pairs),
                conns: usize::from(conns),
                batch: usize::from(batch),
            };
            print(cli.json, &throughput::run(o).await?)
        }
        Cmd::Memory { connections } => print(cli.json, &memory::run(connections).await?),
    }
}
