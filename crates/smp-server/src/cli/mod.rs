//! The operator's command line of the relay, modelled on the reference `smp-server`:
//! `init` (credentials, fingerprint, `smp-server.ini`), `cert` (new online certificate),
//! `start` (runs the relay until SIGINT/SIGTERM) and `delete`.
//!
//! Files live where the reference keeps them ([`paths`]); `smp-server.ini` has the
//! reference's sections and keys ([`ini`], [`template`]). Storage differs: instead of the
//! reference's store log and message files, the relay keeps queues and messages in the
//! embedded durable store (`smp_store::DurableStore`) in `<log dir>/store`, which is on
//! unless `[STORE_LOG] enable = off`.
//!
//! Nothing here logs client addresses, queue ids or message contents.

pub mod args;
pub mod cert;
pub mod console;
pub mod delete;
pub mod ini;
pub mod init;
pub mod paths;
pub mod start;
pub mod template;

pub use args::{Cli, Command};
pub use ini::{ConfigError, Settings};
pub use paths::{Paths, Purpose};

use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Runs a parsed command line: sets up logging, runs the command, prints an error.
pub fn main(cli: Cli) -> ExitCode {
    let level = match &cli.command {
        Command::Start(a) => log_level(&a.log_level),
        _ => "info",
    };
    init_logging(level);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {}", error_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, skipping a cause that the message before it
/// already ends with (some errors repeat their source in their own text).
pub fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let s = cause.to_string();
        if text.ends_with(&s) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&s);
    }
    text
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Init(a) => {
            let paths = resolved(Purpose::Create);
            init::run(&paths, *a)
        }
        Command::Cert(a) => cert::run(&resolved(Purpose::Existing), &a),
        Command::Start(a) => start::run(&resolved(Purpose::Existing), &a),
        Command::Delete(a) => delete::run(&resolved(Purpose::Existing), &a),
    }
}

fn resolved(purpose: Purpose) -> Paths {
    let paths = Paths::from_env(purpose);
    for note in &paths.notes {
        println!("{note}");
    }
    paths
}

/// The reference's log levels as tracing directives (`note` is between info and warn).
fn log_level(level: &str) -> &'static str {
    match level {
        "trace" => "trace",
        "debug" => "debug",
        "warn" => "warn",
        "error" => "error",
        _ => "info",
    }
}

/// Logs to standard error at the level of `RUST_LOG`, else `default_level`.
pub fn init_logging(default_level: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
