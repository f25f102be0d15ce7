//! The command line, and running a command several times with its report.

use crate::bound::Flow;
use crate::memory::{self, MemoryParams};
use crate::report::{self, Figures, medians};
use crate::transfer::{self, TransferParams};
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use serde_json::json;

/// `xftp-bench`: measurements of the XFTP relay and client (loopback only).
#[derive(Debug, Parser)]
#[command(name = "xftp-bench", version, arg_required_else_help = true)]
pub struct Cli {
    /// The measurement.
    #[command(subcommand)]
    pub command: Cmd,
}

/// Measurements.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// send_file through one in-process relay: MiB/s and CPU ms/MiB, with the plain TLS
    /// copy of the same bytes (the bound) and the ratio.
    Upload(TransferArgs),
    /// receive_file through one in-process relay (the upload is not timed), with the
    /// plain TLS copy of the same bytes from the relay side and the ratio.
    Download(TransferArgs),
    /// Relay RSS while serving N parallel downloads (relay in a child process).
    Memory(MemoryArgs),
    /// Run a relay in this process, print its address, stop when standard input closes.
    Serve,
}

/// Repetitions and output.
#[derive(Debug, Clone, Args)]
pub struct OutArgs {
    /// Runs; the medians are reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub runs: u32,
    /// Also print the results as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// `upload` and `download` options.
#[derive(Debug, Clone, Args)]
pub struct TransferArgs {
    /// File size in MiB.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub size_mib: u64,
    /// Chunks transferred at the same time.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// Runs and output.
    #[command(flatten)]
    pub out: OutArgs,
}

/// `memory` options.
#[derive(Debug, Clone, Args)]
pub struct MemoryArgs {
    /// Parallel downloads, each on its own connection.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=2000))]
    pub downloads: u32,
    /// File size in MiB.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub size_mib: u64,
    /// Chunks each download fetches at the same time.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub concurrency: u32,
    /// Runs and output.
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs a command and prints its report.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Cmd::Upload(a) => transfer_cmd("upload", Flow::Upload, &a),
        Cmd::Download(a) => transfer_cmd("download", Flow::Download, &a),
        Cmd::Memory(a) => {
            let p = MemoryParams {
                downloads: a.downloads as usize,
                size_mib: a.size_mib,
                concurrency: a.concurrency as usize,
            };
            let runs = memory::run(p, a.out.runs)?;
            let params = json!({
                "downloads": a.downloads, "size_mib": a.size_mib, "concurrency": a.concurrency,
            });
            print_report("memory", params, &runs, a.out.json);
            Ok(())
        }
        Cmd::Serve => crate::relay::serve(),
    }
}

fn transfer_cmd(name: &str, flow: Flow, a: &TransferArgs) -> Result<()> {
    let p = TransferParams {
        size_mib: a.size_mib,
        concurrency: a.concurrency as usize,
        flow,
    };
    let runs = transfer::run(p, a.out.runs)?;
    let params = json!({"size_mib": a.size_mib, "concurrency": a.concurrency});
    print_report(name, params, &runs, a.out.json);
    Ok(())
}

fn print_report(name: &str, params: serde_json::Value, runs: &[Figures], as_json: bool) {
    println!(
        "{name} ({params}), median of {}: {}",
        runs.len(),
        medians(runs).line()
    );
    if as_json {
        println!("{}", report::document(name, params, runs));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_and_defaults() -> Result<()> {
        let cli = Cli::try_parse_from(["xftp-bench", "download", "--size-mib", "4", "--json"])?;
        let Cmd::Download(a) = cli.command else {
            anyhow::bail!("not download: {:?}", cli.command);
        };
        assert_eq!(
            (a.size_mib, a.concurrency, a.out.runs, a.out.json),
            (4, 8, 3, true)
        );
        let cli = Cli::try_parse_from(["xftp-bench", "memory", "--downloads", "10"])?;
        let Cmd::Memory(m) = cli.command else {
            anyhow::bail!("not memory: {:?}", cli.command);
        };
        assert_eq!((m.downloads, m.size_mib, m.out.runs), (10, 8, 3));
        assert!(Cli::try_parse_from(["xftp-bench", "upload", "--size-mib", "0"]).is_err());
        Ok(())
    }
}
