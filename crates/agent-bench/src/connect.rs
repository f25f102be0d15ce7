//! `connect`: time from `create_invitation` until both sides have `CON`.

use crate::setup::{World, connect};
use crate::stats::{median, quantile};
use anyhow::Result;
use serde::Serialize;

/// Result of the connect benchmark.
#[derive(Debug, Serialize)]
pub struct ConnectReport {
    /// Runs made (a fresh relay and two fresh agents each).
    pub runs: usize,
    /// Connections set up per run, one after another.
    pub per_run: usize,
    /// Median set-up time over all connections, ms.
    pub median_ms: f64,
    /// 90th percentile set-up time, ms.
    pub p90_ms: f64,
    /// Median of the runs' own medians, ms.
    pub median_of_run_medians_ms: f64,
}

/// Sets up `n` connections between two agents in each of `runs` runs.
pub async fn run(runs: usize, n: usize) -> Result<ConnectReport> {
    let mut all = Vec::new();
    let mut run_medians = Vec::new();
    for _ in 0..runs {
        let mut world = World::start().await?;
        let mut a = world.agent().await?;
        let mut b = world.agent().await?;
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let pair = connect(&mut a, &mut b).await?;
            times.push(pair.setup.as_secs_f64() * 1e3);
        }
        all.extend_from_slice(&times);
        run_medians.push(median(&mut times));
        drop((a, b));
        world.stop().await?;
    }
    Ok(ConnectReport {
        runs,
        per_run: n,
        median_ms: median(&mut all),
        p90_ms: quantile(&mut all, 0.9),
        median_of_run_medians_ms: median(&mut run_medians),
    })
}
