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
    /// Connections between the two agents of a pair; the pair's messages are split
    /// between them and each has its own sending task.
    pub conns: usize,
    /// Messages per `send_many` call (1: `send`).
    pub batch: usize,
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
    /// Store transactions per commit (group commit) in the senders, during the run.
    pub sender_tx_per_commit: f64,
    /// The same in the receivers.
    pub receiver_tx_per_commit: f64,
    /// Store transactions per message, senders and receivers together.
    pub tx_per_msg: f64,
    /// Share of the run's wall time the senders' stores spent running transactions
    /// and committing them (run, commit); 1.0 = a store busy all the time.
    pub sender_store_busy: (f64, f64),
    /// The same for the receivers.
    pub receiver_store_busy: (f64, f64),
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
    /// Connections per pair.
    pub conns: usize,
    /// Messages per `send_many` call (1: `send`).
    pub batch: usize,
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
        conns: o.conns,
        batch: o.batch,
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
        let mut conns = Vec::new();
        for _ in 0..o.conns.max(1) {
            conns.push(connect(&mut a, &mut b).await?.a_conn);
        }
        pairs.push((a, b, conns));
    }
    let body = vec![b'x'; o.size];
    let stats0: Vec<_> = pairs
        .iter()
        .map(|(a, b, _)| (a.agent.store().group_stats(), b.agent.store().group_stats()))
        .collect();
    let cpu0 = cpu_time()?;
    let t = Instant::now();
    let mut senders = Vec::new();
    let mut counters = Vec::new();
    // The agents stay alive (and connected) until the run ends.
    let mut alive = Vec::new();
    for (a, b, conns) in pairs {
        let Peer { agent, events } = a;
        let agent = Arc::new(agent);
        counters.push(tokio::spawn(count(events, o.messages, true)));
        counters.push(tokio::spawn(count(b.events, o.messages, false)));
        let k = conns.len();
        for (i, conn) in conns.into_iter().enumerate() {
            // the pair's messages split between its connections
            let n = o.messages / k + usize::from(i < o.messages % k);
            let sender = agent.clone();
            let body = body.clone();
            let batch = o.batch.max(1);
            senders.push(tokio::spawn(async move {
                let mut left = n;
                while left > 0 {
                    let m = left.min(batch);
                    if m == 1 {
                        sender.send(&conn, &body).await?;
                    } else {
                        sender.send_many(&conn, &vec![body.as_slice(); m]).await?;
                    }
                    left -= m;
                }
                anyhow::Ok(())
            }));
        }
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
    let (mut snd, mut rcv) = ((0, 0), (0, 0));
    let (mut snd_busy, mut rcv_busy) = ((0, 0), (0, 0));
    for ((a, b), (a0, b0)) in alive.iter().zip(&stats0) {
        let (a1, b1) = (a.store().group_stats(), b.store().group_stats());
        snd.0 += a1.submitted - a0.submitted;
        snd.1 += a1.groups - a0.groups;
        rcv.0 += b1.submitted - b0.submitted;
        rcv.1 += b1.groups - b0.groups;
        snd_busy.0 += a1.run_us - a0.run_us;
        snd_busy.1 += a1.commit_us - a0.commit_us;
        rcv_busy.0 += b1.run_us - b0.run_us;
        rcv_busy.1 += b1.commit_us - b0.commit_us;
    }
    let wall_us = total.as_secs_f64() * 1e6 * o.pairs as f64;
    let share = |(r, c): (u64, u64)| (r as f64 / wall_us, c as f64 / wall_us);
    let per = |(n, d): (u64, u64)| if d > 0 { n as f64 / d as f64 } else { 0.0 };
    drop(alive);
    world.stop().await?;
    let msgs = (o.messages * o.pairs) as f64;
    Ok(RunFigures {
        msgs_per_sec: msgs / total.as_secs_f64(),
        send_calls_s: send_calls.as_secs_f64(),
        total_s: total.as_secs_f64(),
        cpu_us_per_msg: cpu.as_secs_f64() * 1e6 / msgs,
        sender_tx_per_commit: per(snd),
        receiver_tx_per_commit: per(rcv),
        tx_per_msg: (snd.0 + rcv.0) as f64 / msgs,
        sender_store_busy: share(snd_busy),
        receiver_store_busy: share(rcv_busy),
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
