//! `memory`: relay RSS per connected client, each subscribed to N queues.
//!
//! The relay runs in a child process (`smp-bench serve`). The queues are created first
//! over a few setup connections, which are then closed; then the clients connect
//! (RSS measured), and subscribe to their queues (RSS measured again).

use crate::cli::MemoryArgs;
use crate::load::{BenchQueue, connect, create_queues};
use crate::proc::{Spawned, rss_kib};
use crate::relay::Target;
use crate::report::Report;
use anyhow::{Context, Result, bail};
use smp_client::{ServerEvent, SmpClient};
use smp_proto::command::SubMode;
use std::time::Duration;
use tokio::sync::mpsc::Receiver;
use tokio::task::JoinSet;

/// Connections used to create the queues.
const SETUP_CONNECTIONS: usize = 4;
/// Clients connecting at the same time.
const CONNECT_CONCURRENCY: usize = 32;
/// Time for the relay to settle before reading its RSS.
const SETTLE: Duration = Duration::from_secs(2);

/// Runs `memory`.
pub fn run(a: &MemoryArgs) -> Result<Report> {
    let mut args = vec!["serve".to_owned()];
    args.extend(crate::serve::store_args(&a.store));
    let child = Spawned::start(&args, Duration::from_secs(120))?;
    let target = Target::parse(child.get("uri")?, None)?;
    let pid = child.pid();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    let clients = a.clients as usize;
    let per = a.queues_per_client as usize;
    let rss = |what: &str| -> Result<u64> {
        std::thread::sleep(SETTLE);
        let kb = rss_kib(&pid)?;
        eprintln!("  relay RSS {what}: {kb} KiB");
        Ok(kb)
    };
    let idle = rss("idle")?;
    let queues = rt.block_on(setup_queues(&target, clients * per))?;
    let with_queues = rss("with queues")?;
    let conns = rt.block_on(connect_all(&target, clients))?;
    let after_connect = rss("clients connected")?;
    rt.block_on(subscribe_all(&conns, &queues, per))?;
    let after_sub = rss("clients subscribed")?;
    for (c, _) in &conns {
        c.close();
    }
    drop(conns);
    rt.shutdown_timeout(Duration::from_secs(2));
    let _ = child.stop(Duration::from_secs(10))?;
    let n = clients as f64;
    let per_client = after_sub.saturating_sub(with_queues) as f64 / n;
    let per_conn = after_connect.saturating_sub(with_queues) as f64 / n;
    let per_sub = after_sub.saturating_sub(after_connect) as f64 / n;
    let per_client_all = after_sub.saturating_sub(idle) as f64 / n;
    let summary = format!(
        "{clients} clients x {per} queues: {per_client:.1} KiB per subscribed client \
         ({per_conn:.1} connection + {per_sub:.1} subscriptions; {per_client_all:.1} with its queues' storage); \
         relay RSS {:.1} MiB",
        after_sub as f64 / 1024.0
    );
    Ok(Report::new(summary)
        .metric("kib_per_client", per_client)
        .metric("kib_per_connection", per_conn)
        .metric("kib_per_client_subs", per_sub)
        .metric("kib_per_client_with_queues", per_client_all)
        .metric("relay_rss_idle_mib", idle as f64 / 1024.0)
        .metric("relay_rss_mib", after_sub as f64 / 1024.0))
}

/// Creates `n` queues (not subscribed) over a few connections, then closes them.
async fn setup_queues(target: &Target, n: usize) -> Result<Vec<BenchQueue>> {
    let mut set = JoinSet::new();
    let share = n.div_ceil(SETUP_CONNECTIONS);
    for i in 0..SETUP_CONNECTIONS {
        let k = share.min(n.saturating_sub(i * share));
        let t = target.clone();
        set.spawn(async move {
            let (c, _ev) = connect(&t).await?;
            let qs = create_queues(&c, &t, k, SubMode::OnlyCreate).await;
            c.close();
            qs.map(|q| (i, q))
        });
    }
    let mut parts = Vec::new();
    while let Some(r) = set.join_next().await {
        parts.push(r.context("setup task")??);
    }
    parts.sort_by_key(|(i, _)| *i);
    Ok(parts.into_iter().flat_map(|(_, q)| q).collect())
}

type Conn = (SmpClient, Receiver<ServerEvent>);

async fn connect_all(target: &Target, n: usize) -> Result<Vec<Conn>> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let k = (n - out.len()).min(CONNECT_CONCURRENCY);
        let mut set = JoinSet::new();
        for _ in 0..k {
            let t = target.clone();
            set.spawn(async move { connect(&t).await });
        }
        while let Some(r) = set.join_next().await {
            out.push(r.context("connect task")??);
        }
    }
    Ok(out)
}

async fn subscribe_all(conns: &[Conn], queues: &[BenchQueue], per: usize) -> Result<()> {
    for (i, (c, _)) in conns.iter().enumerate() {
        let Some(mine) = queues.get(i * per..(i + 1) * per) else {
            bail!("not enough queues");
        };
        let subs: Vec<_> = mine
            .iter()
            .map(|q| (q.rcv_id.clone(), &q.rcv_key))
            .collect();
        for r in c.subscribe_many(&subs).await {
            r.context("SUB failed")?;
        }
    }
    Ok(())
}
