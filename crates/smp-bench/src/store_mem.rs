//! `store-memory`: RSS per idle queue of each store, each filled in its own child process.

use crate::cli::{StoreMemoryArgs, WhichStores};
use crate::proc::{num, run_child};
use crate::report::Report;
use anyhow::Result;
use std::time::Duration;

/// Longest a fill may take.
const FILL_LIMIT: Duration = Duration::from_secs(1800);

/// Runs `store-memory`.
pub fn run(a: &StoreMemoryArgs) -> Result<Report> {
    let kinds: &[&str] = match a.store {
        WhichStores::Durable => &["durable"],
        WhichStores::Memory => &["memory"],
        WhichStores::Both => &["memory", "durable"],
    };
    let mut parts = Vec::new();
    let mut report = Report::default();
    for kind in kinds {
        let mut args = vec![
            "child".to_owned(),
            "store-fill".to_owned(),
            "--queues".to_owned(),
            a.queues.to_string(),
            "--store".to_owned(),
            (*kind).to_owned(),
        ];
        if a.notifier {
            args.push("--notifier".to_owned());
        }
        let r = run_child(&args, FILL_LIMIT)?;
        let delta_kib = num(&r, "rss_after_kb")? - num(&r, "rss_before_kb")?;
        let per_queue = delta_kib * 1024.0 / f64::from(a.queues);
        let secs = num(&r, "secs")?;
        parts.push(format!(
            "{kind}: {per_queue:.0} B/queue ({:.1} MiB for {} queues, filled in {secs:.1} s)",
            delta_kib / 1024.0,
            a.queues
        ));
        report = report
            .metric(&format!("{kind}_bytes_per_queue"), per_queue)
            .metric(&format!("{kind}_fill_s"), secs);
    }
    report.summary = parts.join("; ");
    Ok(report)
}
