//! `memory`: the relay's resident memory while it serves N downloads at once.
//!
//! The relay runs in a child process (`xftp-bench serve`), so that its RSS is its own. One
//! file is uploaded with N recipients; then N clients, each with its own connection,
//! download it at the same time while the child's RSS is sampled every 10 ms. The figure
//! per download is (peak - RSS before the downloads) / N.

use crate::procfs::rss_kib;
use crate::report::Figures;
use crate::transfer::{Cost, MIB, write_pseudo_random};
use anyhow::{Context, Result, anyhow, ensure};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use xftp_client::{ClientConfig, Relay, SendOptions, XftpPool};

/// What one run of `memory` uses.
#[derive(Debug, Clone, Copy)]
pub struct MemoryParams {
    /// Parallel downloads (and recipients of the file).
    pub downloads: usize,
    /// File size in MiB.
    pub size_mib: u64,
    /// Chunks each download fetches at the same time.
    pub concurrency: usize,
}

/// The relay child; killed if still running when dropped.
struct RelayChild(Child);

impl RelayChild {
    fn start() -> Result<(RelayChild, Relay)> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the relay child")?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow!("no child stdout"))?;
        let guard = RelayChild(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let relay = Relay::parse(line.trim()).context("the child's relay address")?;
        Ok((guard, relay))
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    /// Closes its standard input (which stops it) and waits.
    fn finish(mut self) -> Result<()> {
        drop(self.0.stdin.take());
        let status = self.0.wait()?;
        ensure!(status.success(), "relay child exited with {status}");
        Ok(())
    }
}

impl Drop for RelayChild {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Highest RSS of a process, sampled by a thread until dropped.
struct PeakSampler {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl PeakSampler {
    fn start(pid: u32) -> PeakSampler {
        let (peak, stop) = (
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (p, s) = (peak.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                if let Ok(kib) = rss_kib(pid) {
                    p.fetch_max(kib, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        PeakSampler {
            peak,
            stop,
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.peak.load(Ordering::Relaxed)
    }
}

/// Runs `memory` `runs` times, each with a new relay child.
pub fn run(p: MemoryParams, runs: u32) -> Result<Vec<Figures>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let work = tempfile::tempdir()?;
    let src = work.path().join("source.bin");
    write_pseudo_random(&src, p.size_mib * 1024 * 1024)?;
    let mut out = Vec::new();
    for n in 1..=runs {
        let f = rt.block_on(one_run(p, &src, work.path()))?;
        eprintln!("run {n}/{runs}: {}", f.line());
        out.push(f);
    }
    Ok(out)
}

async fn one_run(
    p: MemoryParams,
    src: &std::path::Path,
    work: &std::path::Path,
) -> Result<Figures> {
    let (child, relay) = RelayChild::start()?;
    let pool = |concurrency| {
        Arc::new(XftpPool::new(ClientConfig {
            concurrency,
            ..ClientConfig::default()
        }))
    };
    let opts = SendOptions {
        n_recipients: p.downloads,
        tmp_dir: Some(work.to_owned()),
        ..SendOptions::default()
    };
    let sent = xftp_client::send_file(&pool(4), src, std::slice::from_ref(&relay), &opts).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(child.pid())?;
    let sampler = PeakSampler::start(child.pid());
    let downloads = async {
        let mut set = tokio::task::JoinSet::new();
        for (i, rcv) in sent.recipients.into_iter().enumerate() {
            let dir = work.join(format!("d{i}"));
            std::fs::create_dir_all(&dir)?;
            let pool = pool(p.concurrency);
            set.spawn(async move {
                let got = xftp_client::receive_file(&pool, &rcv, &dir, &Default::default()).await;
                let _ = std::fs::remove_dir_all(&dir);
                got
            });
        }
        while let Some(r) = set.join_next().await {
            r.context("download task")??;
        }
        Ok(())
    };
    let ((), cost) = Cost::of(downloads).await?;
    let peak = sampler.finish().max(before);
    child.finish()?;
    let bytes = p.size_mib * 1024 * 1024 * p.downloads as u64;
    let mut f = Figures::default();
    f.push("rss_before_mib", before as f64 / 1024.0);
    f.push("rss_peak_mib", peak as f64 / 1024.0);
    f.push(
        "kib_per_download",
        (peak - before) as f64 / p.downloads as f64,
    );
    f.push(
        "total_mib_s",
        bytes as f64 / MIB / cost.wall.as_secs_f64().max(1e-9),
    );
    f.push("seconds", cost.wall.as_secs_f64());
    Ok(f)
}
