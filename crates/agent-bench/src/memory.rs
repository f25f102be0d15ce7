//! `memory`: growth of this process's RSS per established connection (both agents and
//! the relay live in this process, so one connection here is two agent-side connections
//! and two relay queues).

use crate::setup::{World, connect};
use crate::stats::rss_kib;
use anyhow::Result;
use serde::Serialize;
use std::time::Duration;

/// Result of the memory benchmark.
#[derive(Debug, Serialize)]
pub struct MemoryReport {
    /// Connections set up between the two agents.
    pub connections: usize,
    /// RSS after starting the relay and opening both agents, KiB.
    pub rss_base_kib: u64,
    /// RSS after all connections were established and idle, KiB.
    pub rss_after_kib: u64,
    /// (after - base) / connections, KiB: both ends plus the relay's two queues.
    pub kib_per_connection: f64,
}

/// Sets up `n` connections and measures RSS before and after.
pub async fn run(n: usize) -> Result<MemoryReport> {
    let mut world = World::start().await?;
    let mut a = world.agent().await?;
    let mut b = world.agent().await?;
    // One connection first so lazily created pools, caches and relay sessions are in the base.
    connect(&mut a, &mut b).await?;
    settle().await;
    let base = rss_kib()?;
    for _ in 0..n {
        connect(&mut a, &mut b).await?;
    }
    settle().await;
    let after = rss_kib()?;
    drop((a, b));
    world.stop().await?;
    Ok(MemoryReport {
        connections: n,
        rss_base_kib: base,
        rss_after_kib: after,
        kib_per_connection: if n == 0 {
            0.0
        } else {
            after.saturating_sub(base) as f64 / n as f64
        },
    })
}

/// Lets background work (subscriptions, acknowledgements) finish before a reading.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}
