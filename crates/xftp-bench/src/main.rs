//! `xftp-bench`: measurements of the XFTP relay and client on loopback.
//!
//! Subcommands (see `xftp-bench help`):
//! - `upload` / `download`: one file through one in-process relay (encryption, chunking,
//!   HTTP/2, the relay's disk store), MiB/s and process CPU milliseconds per MiB, and in the same
//!   run the bound: the same number of bytes copied through a plain TLS 1.3 socket with the
//!   same OpenSSL configuration, and the ratio of the two;
//! - `memory`: relay RSS while serving N parallel downloads (relay in a child process);
//! - `serve`: runs a relay in this process (what `memory` starts as its child).
//!
//! This binary depends on the whole XFTP stack; nothing may depend on it.

mod bound;
mod cli;
mod memory;
mod procfs;
mod relay;
mod report;
mod transfer;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run(cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xftp-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
