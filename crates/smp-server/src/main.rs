//! The `smp-server` binary: parses the command line and hands it to [`smp_server::cli`].

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    smp_server::cli::main(smp_server::cli::Cli::parse())
}
