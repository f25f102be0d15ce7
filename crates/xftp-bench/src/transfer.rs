//! `upload` and `download`: one file through one in-process relay, and the plain TLS
//! bound for the same bytes in the same run.

use crate::bound::{self, Flow};
use crate::procfs::own_cpu;
use crate::relay::LocalRelay;
use crate::report::Figures;
use anyhow::{Context, Result, ensure};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use xftp_client::{ClientConfig, SendOptions, XftpPool};

/// Bytes in a MiB.
pub const MIB: f64 = 1024.0 * 1024.0;

/// What one run of `upload` or `download` uses.
#[derive(Debug, Clone, Copy)]
pub struct TransferParams {
    /// File size in MiB.
    pub size_mib: u64,
    /// Chunks transferred at the same time (the client's `concurrency`).
    pub concurrency: usize,
    /// Upload or download.
    pub flow: Flow,
}

/// Wall time and this process's CPU time of one piece of work.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    /// Elapsed time.
    pub wall: Duration,
    /// CPU time of the whole process (client, relay and runtime threads).
    pub cpu: Duration,
}

impl Cost {
    /// Runs `work` and measures it.
    pub async fn of<T>(work: impl Future<Output = Result<T>>) -> Result<(T, Cost)> {
        let (t0, c0) = (Instant::now(), own_cpu()?);
        let out = work.await?;
        let cost = Cost {
            wall: t0.elapsed(),
            cpu: own_cpu()?.saturating_sub(c0),
        };
        Ok((out, cost))
    }

    /// MiB per second for `bytes`.
    pub fn mib_s(&self, bytes: u64) -> f64 {
        bytes as f64 / MIB / self.wall.as_secs_f64().max(1e-9)
    }

    /// CPU milliseconds per MiB for `bytes`.
    pub fn cpu_ms_per_mib(&self, bytes: u64) -> f64 {
        self.cpu.as_secs_f64() * 1e3 / (bytes as f64 / MIB).max(1e-9)
    }
}

/// Runs the measurement `runs` times against one relay; one set of figures per run.
pub fn run(p: TransferParams, runs: u32) -> Result<Vec<Figures>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let work = tempfile::tempdir()?;
        let relay = LocalRelay::start(work.path()).await?;
        let bytes = p.size_mib * 1024 * 1024;
        let src = work.path().join("source.bin");
        write_pseudo_random(&src, bytes)?;
        let mut out = Vec::new();
        for n in 1..=runs {
            let f = one_run(&relay, &src, work.path(), bytes, p).await?;
            eprintln!("run {n}/{runs}: {}", f.line());
            out.push(f);
        }
        relay.server.stop().await;
        Ok(out)
    })
}

async fn one_run(
    relay: &LocalRelay,
    src: &Path,
    work: &Path,
    bytes: u64,
    p: TransferParams,
) -> Result<Figures> {
    let pool = Arc::new(XftpPool::new(ClientConfig {
        concurrency: p.concurrency,
        ..ClientConfig::default()
    }));
    let relays = std::slice::from_ref(&relay.relay);
    let opts = SendOptions {
        tmp_dir: Some(work.to_owned()),
        ..SendOptions::default()
    };
    let send = async { Ok(xftp_client::send_file(&pool, src, relays, &opts).await?) };
    let (sent, up) = Cost::of(send).await?;
    let xftp = match p.flow {
        Flow::Upload => up,
        Flow::Download => {
            let out_dir = work.join("received");
            std::fs::create_dir_all(&out_dir)?;
            let rcv = &sent.recipients[0];
            let recv = async {
                Ok(xftp_client::receive_file(&pool, rcv, &out_dir, &Default::default()).await?)
            };
            let (got, down) = Cost::of(recv).await?;
            ensure!(
                std::fs::read(&got.path)? == std::fs::read(src)?,
                "the received file differs from the sent one"
            );
            std::fs::remove_dir_all(&out_dir)?;
            down
        }
    };
    xftp_client::delete_file(&pool, &sent.sender)
        .await
        .context("deleting the file from the relay")?;
    let bound = bound::copy(bytes, p.flow).await?;
    let mut f = Figures::default();
    f.push("xftp_mib_s", xftp.mib_s(bytes));
    f.push("xftp_cpu_ms_per_mib", xftp.cpu_ms_per_mib(bytes));
    f.push("tls_mib_s", bound.mib_s(bytes));
    f.push("tls_cpu_ms_per_mib", bound.cpu_ms_per_mib(bytes));
    f.push(
        "cpu_ratio",
        bound.cpu_ms_per_mib(bytes) / xftp.cpu_ms_per_mib(bytes).max(1e-9),
    );
    f.push("ratio", xftp.mib_s(bytes) / bound.mib_s(bytes));
    Ok(f)
}

/// Writes `len` bytes of xorshift output (incompressible, reproducible) to `path`.
pub fn write_pseudo_random(path: &Path, len: u64) -> Result<()> {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut left = len;
    while left > 0 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = left.min(8) as usize;
        w.write_all(&x.to_le_bytes()[..n])?;
        left -= n as u64;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_random_file_has_the_length_and_varies() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("f");
        write_pseudo_random(&p, 1003)?;
        let data = std::fs::read(&p)?;
        assert_eq!(data.len(), 1003);
        let distinct: std::collections::HashSet<u8> = data.iter().copied().collect();
        assert!(distinct.len() > 200, "{} distinct bytes", distinct.len());
        Ok(())
    }

    #[test]
    fn rates_from_cost() {
        let c = Cost {
            wall: Duration::from_millis(500),
            cpu: Duration::from_millis(250),
        };
        let bytes = 8 * 1024 * 1024;
        assert!((c.mib_s(bytes) - 16.0).abs() < 1e-9);
        assert!((c.cpu_ms_per_mib(bytes) - 31.25).abs() < 1e-9);
    }
}
