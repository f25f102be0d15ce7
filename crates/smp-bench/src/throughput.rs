//! `throughput`: senders SEND to secured queues, recipients get MSG and ACK it.
//!
//! Each pair has one sender and one recipient connection and `queues` queues. A pair keeps
//! at most `window` messages in flight (sent and not yet acknowledged), spread round-robin
//! over its queues, so the relay's per-queue quota is never the limit. Every body carries
//! its send time; the recipient measures send-to-receive latency when it opens the `MSG`.

use crate::cli::{LoadArgs, ThroughputArgs};
use crate::load::{BenchQueue, body_age, connect, create_queues, secure_all, stamped_body};
use crate::proc::{Spawned, cpu_time, loopback_bytes, machine_busy, socket_bytes};
use crate::relay::{LocalRelay, Target, check_loopback};
use crate::report::Report;
use crate::stats::{Latencies, Percentiles, percentiles};
use anyhow::{Context, Result};
use smp_client::{ServerEvent, SmpClient, open_message};
use smp_proto::command::{MsgFlags, SubMode};
use smp_proto::message::RcvMsgBody;
use smp_proto::versions::BLOCK_SIZE;
use smp_proto::{BrokerMsg, MsgId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// How long the end of a run waits for messages still in flight.
const DRAIN: Duration = Duration::from_secs(10);

/// Counters of one run, shared by every task.
pub struct Shared {
    /// Start of the measured window.
    pub t_start: Instant,
    /// End of the measured window (sending stops here).
    pub t_end: Instant,
    /// Messages that may still be sent (`u64::MAX`: no limit).
    budget: AtomicU64,
    /// Messages acknowledged by the relay.
    pub sent: AtomicU64,
    /// Messages received (all).
    pub received: AtomicU64,
    /// Messages received within the window.
    pub counted: AtomicU64,
    /// Nanoseconds from `t_start` to the last counted receipt.
    pub last_counted_ns: AtomicU64,
    /// Failed commands.
    pub errors: AtomicU64,
    /// The first error.
    pub first_error: Mutex<Option<String>>,
    /// Latencies of counted messages.
    pub latencies: Latencies,
}

impl Shared {
    /// A run measuring from `warmup` after now for `duration`, sending at most `budget`.
    pub fn new(warmup: Duration, duration: Duration, budget: Option<u64>) -> Arc<Shared> {
        let t_start = Instant::now() + warmup;
        Arc::new(Shared {
            t_start,
            t_end: t_start + duration,
            budget: AtomicU64::new(budget.unwrap_or(u64::MAX)),
            sent: AtomicU64::new(0),
            received: AtomicU64::new(0),
            counted: AtomicU64::new(0),
            last_counted_ns: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            first_error: Mutex::new(None),
            latencies: Latencies::default(),
        })
    }

    /// Takes one message from the budget; false when it is spent.
    pub fn take_budget(&self) -> bool {
        self.budget
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |b| b.checked_sub(1))
            .is_ok()
    }

    /// Counts an error, keeping the first one's text.
    pub fn error(&self, what: &str, e: impl std::fmt::Display) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut f = self.first_error.lock().unwrap_or_else(|p| p.into_inner());
        if f.is_none() {
            *f = Some(format!("{what}: {e}"));
        }
    }

    /// Counts a received message that was sent `age` ago.
    pub fn receipt(&self, age: Duration) {
        self.received.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        if now >= self.t_start && now < self.t_end {
            self.counted.fetch_add(1, Ordering::Relaxed);
            let ns = u64::try_from((now - self.t_start).as_nanos()).unwrap_or(u64::MAX);
            self.last_counted_ns.fetch_max(ns, Ordering::Relaxed);
            self.latencies.record(age);
        }
    }

    /// Messages per second over the window (or up to the last receipt when a message
    /// budget ended the run early).
    pub fn rate(&self, budget_run: bool) -> f64 {
        let counted = self.counted.load(Ordering::Relaxed) as f64;
        let secs = if budget_run {
            self.last_counted_ns.load(Ordering::Relaxed) as f64 / 1e9
        } else {
            (self.t_end - self.t_start).as_secs_f64()
        };
        if secs > 0.0 { counted / secs } else { 0.0 }
    }
}

/// What one load run measured.
pub struct Outcome {
    /// Messages per second.
    pub rate: f64,
    /// Latency percentiles.
    pub lat: Percentiles,
    /// Messages sent / received / errors.
    pub sent: u64,
    /// Received.
    pub received: u64,
    /// Errors.
    pub errors: u64,
    /// The first error.
    pub first_error: Option<String>,
    /// CPU and loopback traffic during the window.
    pub win: Window,
}

impl Outcome {
    /// Collects the counters of a finished run.
    pub fn collect(sh: &Shared, budget_run: bool, win: Window) -> Outcome {
        let mut samples = sh.latencies.take();
        Outcome {
            rate: sh.rate(budget_run),
            lat: percentiles(&mut samples),
            sent: sh.sent.load(Ordering::Relaxed),
            received: sh.received.load(Ordering::Relaxed),
            errors: sh.errors.load(Ordering::Relaxed),
            first_error: sh
                .first_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
            win,
        }
    }

    /// Bytes per second as 16 KB blocks (one TLS record each) per message.
    fn per_msg_blocks(&self, bps: f64) -> f64 {
        if self.rate > 0.0 {
            bps / self.rate / (BLOCK_SIZE as f64 + 22.0)
        } else {
            0.0
        }
    }

    /// Blocks over loopback per message (both directions, all connections).
    pub fn blocks_per_msg(&self) -> f64 {
        self.per_msg_blocks(self.win.loopback_bps)
    }

    /// The figures common to `throughput` and `bound`.
    pub fn report(&self, label: &str) -> Report {
        let mut s = format!(
            "{label}: {:.0} msg/s, latency p50 {:.2} ms p99 {:.2} ms (sent {}, received {}, errors {})",
            self.rate, self.lat.p50_ms, self.lat.p99_ms, self.sent, self.received, self.errors
        );
        let (sent, recv) = (
            self.per_msg_blocks(self.win.relay_bps.0),
            self.per_msg_blocks(self.win.relay_bps.1),
        );
        s.push_str(&format!(
            "; {:.2} blocks/msg on loopback ({recv:.2} into the relay, {sent:.2} out of it)",
            self.blocks_per_msg()
        ));
        if let Some(e) = &self.first_error {
            s.push_str(&format!("; first error: {e}"));
        }
        Report::new(s)
            .metric("msgs_per_s", self.rate)
            .metric("p50_ms", self.lat.p50_ms)
            .metric("p99_ms", self.lat.p99_ms)
            .metric("max_ms", self.lat.max_ms)
            .metric("errors", self.errors as f64)
            .metric("cpu_bench_proc", self.win.self_cores)
            .metric("cpu_other_procs", self.win.other_cores)
            .metric("blocks_per_msg", self.blocks_per_msg())
            .metric("relay_blocks_in_per_msg", recv)
            .metric("relay_blocks_out_per_msg", sent)
    }
}

/// CPU and loopback traffic during the measured window.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    /// CPU seconds per wall second of this process.
    pub self_cores: f64,
    /// ... of the child process (the relay), if any.
    pub child_cores: f64,
    /// ... of every other process on the machine (other users: noise).
    pub other_cores: f64,
    /// Loopback bytes per second.
    pub loopback_bps: f64,
    /// Bytes per second the relay's sockets sent and received (when its port is known).
    pub relay_bps: (f64, f64),
}

/// Measures CPU use and loopback traffic from the start of the window of `sh` to its
/// end, or until `done()` says the run is over.
pub async fn cpu_over_window(
    sh: &Shared,
    child: Option<String>,
    relay_port: Option<u16>,
    done: impl Fn() -> bool,
) -> Window {
    tokio::time::sleep_until(sh.t_start).await;
    let sample = || {
        (
            cpu_time("self").unwrap_or_default(),
            child
                .as_deref()
                .and_then(|p| cpu_time(p).ok())
                .unwrap_or_default(),
            machine_busy().unwrap_or_default(),
            loopback_bytes().unwrap_or_default(),
            relay_port
                .and_then(|p| socket_bytes(p).ok())
                .unwrap_or_default(),
        )
    };
    let t0 = Instant::now();
    let (s0, c0, m0, l0, io0) = sample();
    while Instant::now() < sh.t_end && !done() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let secs = t0.elapsed().as_secs_f64().max(1e-9);
    let (s1, c1, m1, l1, io1) = sample();
    let per_sec = |a: Duration, b: Duration| b.saturating_sub(a).as_secs_f64() / secs;
    let (self_cores, child_cores) = (per_sec(s0, s1), per_sec(c0, c1));
    Window {
        self_cores,
        child_cores,
        other_cores: (per_sec(m0, m1) - self_cores - child_cores).max(0.0),
        loopback_bps: l1.saturating_sub(l0) as f64 / secs,
        relay_bps: (
            io1.0.saturating_sub(io0.0) as f64 / secs,
            io1.1.saturating_sub(io0.1) as f64 / secs,
        ),
    }
}

/// Runs `throughput`.
pub fn run(a: &ThroughputArgs) -> Result<Report> {
    check_loopback(a.connect)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    if let Some(uri) = &a.server {
        let target = Target::parse(uri, a.connect)?;
        let o = rt.block_on(drive(&target, &a.load, None))?;
        return Ok(o.report("external relay"));
    }
    if a.spawn {
        let mut args = vec!["serve".to_owned()];
        args.extend(crate::serve::store_args(&a.store));
        let child = Spawned::start(&args, Duration::from_secs(120))?;
        let target = Target::parse(child.get("uri")?, None)?;
        let pid = child.pid();
        let o = rt.block_on(drive(&target, &a.load, Some(pid)))?;
        let relay_cpu = o.win.child_cores;
        let rss = crate::proc::rss_kib(&child.pid()).unwrap_or(0);
        child.stop(Duration::from_secs(10))?;
        let per_msg_us = if o.rate > 0.0 {
            relay_cpu / o.rate * 1e6
        } else {
            0.0
        };
        let r = o.report("relay in a child process");
        let summary = format!(
            "{}; relay CPU {:.2} cores, {:.1} us/msg; load CPU {:.2} cores; others {:.2} cores",
            r.summary, relay_cpu, per_msg_us, o.win.self_cores, o.win.other_cores,
        );
        return Ok(Report { summary, ..r }
            .metric("cpu_relay_proc", relay_cpu)
            .metric("relay_cpu_us_per_msg", per_msg_us)
            .metric("relay_rss_mb", rss as f64 / 1024.0));
    }
    rt.block_on(async {
        let relay = LocalRelay::start(&a.store, 0).await?;
        let r = drive(&relay.target, &a.load, None).await;
        relay.stop().await?;
        let o = r?;
        let per_msg_us = if o.rate > 0.0 {
            o.win.self_cores / o.rate * 1e6
        } else {
            0.0
        };
        let r = o.report("relay in process");
        let summary = format!(
            "{}; process CPU {:.2} cores ({:.2} used by others), {:.1} us/msg",
            r.summary, o.win.self_cores, o.win.other_cores, per_msg_us,
        );
        Ok(Report { summary, ..r }.metric("proc_cpu_us_per_msg", per_msg_us))
    })
}

/// One pair's connections and queues.
struct Pair {
    snd: SmpClient,
    _snd_events: mpsc::Receiver<ServerEvent>,
    rcv: SmpClient,
    rcv_events: mpsc::Receiver<ServerEvent>,
    queues: Arc<Vec<Arc<BenchQueue>>>,
}

async fn setup_pair(target: &Target, queues: usize) -> Result<Pair> {
    let (snd, snd_events) = connect(target).await?;
    let (rcv, rcv_events) = connect(target).await?;
    let qs: Vec<Arc<BenchQueue>> = create_queues(&rcv, target, queues, SubMode::Subscribe)
        .await?
        .into_iter()
        .map(Arc::new)
        .collect();
    secure_all(&snd, &qs).await?;
    Ok(Pair {
        snd,
        _snd_events: snd_events,
        rcv,
        rcv_events,
        queues: Arc::new(qs),
    })
}

/// Sets up the pairs, runs the load and returns its outcome (with the CPU use of the
/// child `child_pid` during the window).
pub async fn drive(target: &Target, load: &LoadArgs, child_pid: Option<String>) -> Result<Outcome> {
    let mut pairs = Vec::new();
    for _ in 0..load.pairs {
        pairs.push(setup_pair(target, load.queues as usize).await?);
    }
    let budget_run = load.messages.is_some();
    let warmup = if budget_run {
        0.0
    } else {
        load.warmup.max(0.0)
    };
    let sh = Shared::new(
        Duration::from_secs_f64(warmup),
        Duration::from_secs_f64(load.duration.max(0.1)),
        load.messages,
    );
    let window = load.window as usize;
    let mut tasks = JoinSet::new();
    let mut sems = Vec::new();
    for p in pairs.iter_mut() {
        let sem = Arc::new(Semaphore::new(window));
        sems.push(sem.clone());
        let events = std::mem::replace(&mut p.rcv_events, mpsc::channel(1).1);
        tasks.spawn(recipient(
            p.rcv.clone(),
            events,
            p.queues.clone(),
            sem.clone(),
            sh.clone(),
        ));
        tasks.spawn(sender(
            p.snd.clone(),
            p.queues.clone(),
            sem,
            sh.clone(),
            load.size as usize,
        ));
    }
    let all = load.messages.unwrap_or(u64::MAX);
    let port = target.connect.map(|a| a.port());
    let win = cpu_over_window(&sh, child_pid, port, || {
        sh.received.load(Ordering::Relaxed) >= all
    })
    .await;
    // Let the messages in flight arrive, then close the connections.
    let deadline = Instant::now() + DRAIN;
    while Instant::now() < deadline && sems.iter().any(|s| s.available_permits() < window) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for p in &pairs {
        p.snd.close();
        p.rcv.close();
    }
    while tokio::time::timeout(DRAIN, tasks.join_next())
        .await
        .ok()
        .flatten()
        .is_some()
    {}
    tasks.abort_all();
    Ok(Outcome::collect(&sh, budget_run, win))
}

/// Sends round-robin over the pair's queues while the window has room.
async fn sender(
    snd: SmpClient,
    queues: Arc<Vec<Arc<BenchQueue>>>,
    sem: Arc<Semaphore>,
    sh: Arc<Shared>,
    size: usize,
) {
    let mut seq = 0u64;
    let mut inflight = JoinSet::new();
    loop {
        let permit = match tokio::time::timeout_at(sh.t_end, sem.clone().acquire_owned()).await {
            Ok(Ok(p)) => p,
            _ => break,
        };
        if Instant::now() >= sh.t_end || !sh.take_budget() {
            break;
        }
        // The recipient returns the permit once the message is acknowledged.
        permit.forget();
        let q = queues[(seq % queues.len() as u64) as usize].clone();
        seq += 1;
        let (c, sh2, sem2) = (snd.clone(), sh.clone(), sem.clone());
        inflight.spawn(async move {
            let body = stamped_body(size, seq);
            match c
                .send(&q.snd_id, Some(&q.snd_key), MsgFlags::default(), &body)
                .await
            {
                Ok(()) => {
                    sh2.sent.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    sh2.error("SEND", e);
                    sem2.add_permits(1);
                }
            }
        });
        while inflight.try_join_next().is_some() {}
    }
    while tokio::time::timeout(DRAIN, inflight.join_next())
        .await
        .ok()
        .flatten()
        .is_some()
    {}
}

/// Routes each `MSG` event to its queue's task, which opens it, records its latency and
/// acknowledges it (following the next message that the `ACK` reply may carry).
async fn recipient(
    rcv: SmpClient,
    mut events: mpsc::Receiver<ServerEvent>,
    queues: Arc<Vec<Arc<BenchQueue>>>,
    sem: Arc<Semaphore>,
    sh: Arc<Shared>,
) {
    let index: HashMap<Vec<u8>, usize> = queues
        .iter()
        .enumerate()
        .map(|(i, q)| (q.rcv_id.as_bytes().to_vec(), i))
        .collect();
    let mut routes = Vec::with_capacity(queues.len());
    let mut tasks = JoinSet::new();
    for q in queues.iter() {
        let (tx, rx) = mpsc::unbounded_channel();
        routes.push(tx);
        tasks.spawn(queue_task(
            rcv.clone(),
            q.clone(),
            rx,
            sem.clone(),
            sh.clone(),
        ));
    }
    while let Some(ev) = events.recv().await {
        match ev {
            ServerEvent::Event {
                entity_id,
                msg: BrokerMsg::Msg(id, body),
            } => match index.get(entity_id.as_bytes()) {
                Some(&i) => {
                    let _ = routes[i].send((id, body));
                }
                None => sh.error("MSG", "unknown queue"),
            },
            ServerEvent::Event { msg, .. } => sh.error("event", format!("{msg:?}")),
            ServerEvent::Disconnected { .. } => break,
        }
    }
    drop(routes);
    while tasks.join_next().await.is_some() {}
}

async fn queue_task(
    rcv: SmpClient,
    q: Arc<BenchQueue>,
    mut rx: mpsc::UnboundedReceiver<(MsgId, Vec<u8>)>,
    sem: Arc<Semaphore>,
    sh: Arc<Shared>,
) {
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some((id, body)) = next.take() {
            match open_message(&q.secret, &id, &body) {
                Ok(RcvMsgBody::Message { body, .. }) => match body_age(&body) {
                    Some((age, _)) => sh.receipt(age),
                    None => sh.error("MSG", "short body"),
                },
                Ok(RcvMsgBody::Quota { .. }) => sh.error("MSG", "quota marker"),
                Err(e) => sh.error("MSG", e),
            }
            match rcv.ack(&q.rcv_id, &q.rcv_key, &id).await {
                Ok(n) => next = n,
                Err(e) => sh.error("ACK", e),
            }
            sem.add_permits(1);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::cli::{DurabilityArg, StoreArgs, StoreKind};

    #[test]
    fn budget_and_window_counting() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let sh = Shared::new(Duration::ZERO, Duration::from_secs(60), Some(2));
            assert!(sh.take_budget() && sh.take_budget() && !sh.take_budget());
            sh.receipt(Duration::from_millis(3));
            assert_eq!(sh.counted.load(Ordering::Relaxed), 1);
            sh.error("X", "first");
            sh.error("Y", "second");
            let o = Outcome::collect(&sh, true, Window::default());
            assert_eq!(o.errors, 2);
            assert_eq!(o.first_error.as_deref(), Some("X: first"));
            assert_eq!(o.lat.count, 1);
            assert!(o.rate > 0.0);
        });
    }

    /// A short real run against an in-process relay with the durable store.
    #[test]
    fn short_run_delivers_every_message() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let store = StoreArgs {
                store: StoreKind::Durable,
                durability: DurabilityArg::Fsync,
                dir: None,
                compact_on_open: false,
                compact_after_start: false,
            };
            let relay = LocalRelay::start(&store, 0).await.unwrap();
            let load = LoadArgs {
                pairs: 2,
                queues: 3,
                size: 64,
                window: 8,
                duration: 300.0, // a safety limit only: the run ends after `messages`; debug builds on a loaded machine are slow
                warmup: 0.0,
                messages: Some(200),
            };
            let o = drive(&relay.target, &load, None).await.unwrap();
            relay.stop().await.unwrap();
            assert_eq!(o.errors, 0, "{:?}", o.first_error);
            assert_eq!(o.sent, 200);
            assert_eq!(o.received, 200);
            assert_eq!(o.lat.count, 200);
            assert!(o.rate > 0.0);
        });
    }
}
