//! The `xftp-server` binary: parses the command line and hands it to [`xftp_server::cli`].

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    xftp_server::cli::main(xftp_server::cli::Cli::parse())
}
