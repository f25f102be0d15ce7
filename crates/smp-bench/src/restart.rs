//! `restart`: a durable store with N queues holding one message each; how long opening it
//! takes (from the log, then from a snapshot), and how long a relay takes to start on it.
//!
//! Each step runs in a fresh child process. The relay start is `smp-bench serve` as
//! `smp-server start` runs: the store is opened without compacting, the relay listens, and
//! the compaction runs in a thread beside it (the relay waits for it before it exits, so
//! the second start finds a snapshot). Its time is from spawning the process to its `READY`
//! line (store open, credentials, listening).

use crate::cli::RestartArgs;
use crate::proc::{Spawned, num, run_child};
use crate::report::Report;
use anyhow::{Context, Result};
use std::path::Path;
use std::time::Duration;

/// Longest a step may take.
const STEP_LIMIT: Duration = Duration::from_secs(1800);

/// Runs `restart`.
pub fn run(a: &RestartArgs) -> Result<Report> {
    let tmp = tempfile::tempdir().context("temporary dir")?;
    let base = a.dir.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    let dir = base.join("store");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    let d = dir.display().to_string();
    let fill = run_child(
        &words(&[
            "child",
            "restart-fill",
            "--dir",
            &d,
            "--queues",
            &a.queues.to_string(),
            "--size",
            &a.size.to_string(),
        ]),
        STEP_LIMIT,
    )?;
    let from_log = open_store(&dir)?;
    let (start1, start1_open) = relay_start(&dir)?;
    let from_snapshot = open_store(&dir)?;
    let (start2, start2_open) = relay_start(&dir)?;
    let summary = format!(
        "{} queues + {} messages ({:.0} MiB on disk, written in {:.1} s): store open {:.2} s \
         from the log, {:.2} s from a snapshot; relay start {:.2} s (first, on the log, \
         compacting after it listens; store {:.2} s), {:.2} s (again; store {:.2} s)",
        num(&fill, "queues")?,
        num(&fill, "messages")?,
        num(&fill, "bytes")? / 1048576.0,
        num(&fill, "secs")?,
        from_log.0,
        from_snapshot.0,
        start1,
        start1_open,
        start2,
        start2_open,
    );
    Ok(Report::new(summary)
        .metric("open_log_s", from_log.0)
        .metric("open_snapshot_s", from_snapshot.0)
        .metric("relay_start_first_s", start1)
        .metric("relay_start_s", start2)
        .metric("open_rss_mib", from_snapshot.1 / 1024.0)
        .metric("fill_s", num(&fill, "secs")?))
}

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| (*s).to_owned()).collect()
}

/// Opens the store in a child: (seconds, RSS KiB).
fn open_store(dir: &Path) -> Result<(f64, f64)> {
    let r = run_child(
        &words(&["child", "restart-open", "--dir", &dir.display().to_string()]),
        STEP_LIMIT,
    )?;
    eprintln!(
        "  open: {} ms, {} queues, {} messages, snapshot records {}, log records {}",
        num(&r, "open_ms")?,
        num(&r, "queues")?,
        num(&r, "messages")?,
        num(&r, "snapshot_records")?,
        num(&r, "log_records")?
    );
    Ok((num(&r, "open_ms")? / 1e3, num(&r, "rss_kb")?))
}

/// Starts a relay on the store in a child: (seconds to ready, seconds to open the store).
fn relay_start(dir: &Path) -> Result<(f64, f64)> {
    let args = words(&[
        "serve",
        "--dir",
        &dir.display().to_string(),
        "--compact-after-start",
    ]);
    let child = Spawned::start(&args, STEP_LIMIT)?;
    let ready = child.ready_after.as_secs_f64();
    let open: f64 = child.get("open_ms")?.parse().context("open_ms")?;
    eprintln!(
        "  relay ready after {ready:.2} s (queues {}, messages {})",
        child.get("queues")?,
        child.get("messages")?
    );
    let _ = child.stop(Duration::from_secs(60))?;
    Ok((ready, open / 1e3))
}
