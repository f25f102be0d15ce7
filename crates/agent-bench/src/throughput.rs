//! `throughput`: messages per second from A to B through one relay, with the CPU time of
//! this process (relay and agents together) per message.

use crate::setup::{Peer, World, connect, until};
use crate::stats::{cpu_time, median};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use simplex_agent::AgentEvent;
use std::sync::Arc;
use std::time::Instant;

/// Options of the throughput benchmark.
#[derive(Debug, Clone, Copy)]
pub struct ThroughputOpts {
    /// Runs (a fresh relay and fresh agents each).
    pub runs: usize,
    /// Messages each pair sends.
    pub messages: usize,
    /// Body size in bytes.
    pub size: usize,
    /// Agent pairs sending at the same time (2 agents per pair).
    pub pairs: usize,
}

/// One run's figures.
#[derive(Debug, Serialize)]
pub struct RunFigures {
    /// Messages received over the run's wall time.
    pub msgs_per_sec: f64,
    /// Wall time until every `send` returned (stored and encrypted), s.
    pub send_calls_s: f64,
    /// Wall time until every message had `Sent` and `Msg`, s.
    pub total_s: f64,
    /// CPU seconds (user + system) of the whole process per message, µs.
    pub cpu_us_per_msg: f64,
}

/// Result of the throughput benchmark.
#[derive(Debug, Serialize)]
pub struct ThroughputReport {
    /// Runs made.
    pub runs: usize,
    /// Agent pairs.
    pub pairs: usize,
    /// Messages per pair.
    pub messages: usize,
    /// Body size, bytes.
    pub size: usize,
    /// Median messages/s.
    pub msgs_per_sec: f64,
    /// Median CPU µs per message (relay + both agents, this process).
    pub cpu_us_per_msg: f64,
    /// 2 cores / CPU per message: the rate if this process had both cores to itself.
    pub projected_2core_msgs_per_sec: f64,
    /// Each run.
    pub each: Vec<RunFigures>,
}

/// Runs the benchmark.
pub async fn run(o: ThroughputOpts) -> Result<ThroughputReport> {
    let mut each = Vec::new();
    for _ in 0..o.runs {
        each.push(one_run(o).await?);
    }
    let mut rates: Vec<f64> = each.iter().map(|r| r.msgs_per_sec).collect();
    let mut cpu: Vec<f64> = each.iter().map(|r| r.cpu_us_per_msg).collect();
    let cpu_us = median(&mut cpu);
    Ok(ThroughputReport {
        runs: o.runs,
        pairs: o.pairs,
        messages: o.messages,
        size: o.size,
        msgs_per_sec: median(&mut rates),
        cpu_us_per_msg: cpu_us,
        projected_2core_msgs_per_sec: if cpu_us > 0.0 { 2e6 / cpu_us } else { 0.0 },
        each,
    })
}

async fn one_run(o: ThroughputOpts) -> Result<RunFigures> {
    let mut world = World::start().await?;
    let mut pairs = Vec::new();
    for _ in 0..o.pairs {
        let mut a = world.agent().await?;
        let mut b = world.agent().await?;
        let pair = connect(&mut a, &mut b).await?;
        pairs.push((a, b, pair));
    }
    let body = vec![b'x'; o.size];
    let cpu0 = cpu_time()?;
    let t = Instant::now();
    let mut senders = Vec::new();
    let mut counters = Vec::new();
    // The agents stay alive (and connected) until the run ends.
    let mut alive = Vec::new();
    for (a, b, pair) in pairs {
        let Peer { agent, events } = a;
        let agent = Arc::new(agent);
        counters.push(tokio::spawn(count(events, o.messages, true)));
        counters.push(tokio::spawn(count(b.events, o.messages, false)));
        let sender = agent.clone();
        let body = body.clone();
        let n = o.messages;
        senders.push(tokio::spawn(async move {
            for _ in 0..n {
                sender.send(&pair.a_conn, &body).await?;
            }
            anyhow::Ok(())
        }));
        alive.push((agent, b.agent));
    }
    for s in senders {
        s.await.context("sender task failed")??;
    }
    let send_calls = t.elapsed();
    for c in counters {
        c.await.context("counter task failed")??;
    }
    let total = t.elapsed();
    let cpu = cpu_time()?.saturating_sub(cpu0);
    drop(alive);
    world.stop().await?;
    let msgs = (o.messages * o.pairs) as f64;
    Ok(RunFigures {
        msgs_per_sec: msgs / total.as_secs_f64(),
        send_calls_s: send_calls.as_secs_f64(),
        total_s: total.as_secs_f64(),
        cpu_us_per_msg: cpu.as_secs_f64() * 1e6 / msgs,
    })
}

/// Waits for `n` `Sent` events (`sent`) or `n` `Msg` events.
async fn count(
    mut events: tokio::sync::mpsc::Receiver<AgentEvent>,
    n: usize,
    sent: bool,
) -> Result<()> {
    let mut got = 0;
    while got < n {
        got += until(&mut events, |e| match e {
            AgentEvent::Sent { .. } if sent => Some(1),
            AgentEvent::Msg { .. } if !sent => Some(1),
            _ => None,
        })
        .await?;
    }
    if got != n {
        bail!("counted {got} events, expected {n}");
    }
    Ok(())
}
