//! `smp-bench`: the load tool and measurements of the SMP relay.
//!
//! Subcommands (see `smp-bench help`):
//! - `throughput`: SEND -> MSG -> ACK through one relay (in-process, in a child process, or
//!   an external one), messages per second and send-to-receive latency;
//! - `bound`: the same blocks, TLS and cryptography without the relay logic and the store,
//!   the upper bound of `throughput` on this machine;
//! - `memory`: relay RSS per connected client subscribed to 50 queues (relay in a child);
//! - `store-memory`: store RSS per idle queue (each store in a child);
//! - `restart`: store open and relay start time with many queues and messages;
//! - `serve`: runs a relay in this process (what the other commands start as a child).
//!
//! Everything runs on loopback, and every loop is bounded by a count and a time limit.
//! This binary depends on the whole relay stack; nothing may depend on it.

mod bound;
mod child;
mod cli;
mod load;
mod memory;
mod proc;
mod relay;
mod report;
mod restart;
mod serve;
mod stats;
mod store_mem;
mod throughput;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smp-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
