//! Medians and percentiles of samples, and process CPU time and RSS from /proc.

use anyhow::{Context, Result};
use std::time::Duration;

/// Clock ticks per second of /proc/self/stat times (USER_HZ, 100 on Linux).
const TICKS_PER_SEC: f64 = 100.0;

/// The nearest-rank `q` quantile (0..=1) of `v` (sorted here); 0 for no samples.
pub fn quantile(v: &mut [f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let rank = (q * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// The median of `v`.
pub fn median(v: &mut [f64]) -> f64 {
    quantile(v, 0.5)
}

/// User + system CPU time of this process (the same figures `getrusage(RUSAGE_SELF)`
/// reports, read from /proc/self/stat fields 14 and 15).
pub fn cpu_time() -> Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("reading /proc/self/stat")?;
    let ticks = parse_cpu_ticks(&stat).context("cannot parse /proc/self/stat")?;
    Ok(Duration::from_secs_f64(ticks as f64 / TICKS_PER_SEC))
}

/// utime + stime of a /proc/<pid>/stat line (fields counted after the command name).
pub fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Resident set size of this process, in KiB.
pub fn rss_kib() -> Result<u64> {
    let status =
        std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS in /proc/self/status")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let mut v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(median(&mut v), 5.0);
        assert_eq!(quantile(&mut v, 0.9), 9.0);
        assert_eq!(quantile(&mut v, 1.0), 10.0);
        assert_eq!(median(&mut []), 0.0);
    }

    #[test]
    fn cpu_ticks_after_command_name() {
        let line = "42 (a b) S 1 2 3 4 5 6 7 8 9 10 17 25 0 0";
        assert_eq!(parse_cpu_ticks(line), Some(42));
        assert_eq!(parse_cpu_ticks("garbage"), None);
    }

    #[test]
    fn own_process_facts() {
        assert!(rss_kib().unwrap() > 0);
        cpu_time().unwrap();
    }
}
