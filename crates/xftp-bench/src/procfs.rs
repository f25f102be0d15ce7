//! Process figures from `/proc`: CPU time of this process and resident memory of any.

use anyhow::{Context, Result, anyhow};
use std::time::Duration;

/// Clock ticks per second of `/proc/*/stat` times (`USER_HZ`, 100 on Linux).
const TICKS_PER_SEC: u64 = 100;

/// User plus system CPU time of this process, all threads.
pub fn own_cpu() -> Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("reading /proc/self/stat")?;
    let ticks = cpu_ticks(&stat).ok_or_else(|| anyhow!("unexpected /proc/self/stat"))?;
    Ok(Duration::from_millis(ticks * 1000 / TICKS_PER_SEC))
}

/// `utime + stime` from the text of a `stat` file (fields 14 and 15, counted after the
/// parenthesised command name, which may itself hold spaces).
pub fn cpu_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// Resident set size of process `pid` in KiB.
pub fn rss_kib(pid: u32) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    vm_rss(&status).ok_or_else(|| anyhow!("no VmRSS in {path}"))
}

/// The `VmRSS:` value (KiB) of a `status` file.
pub fn vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_after_a_name_holding_parentheses() {
        // pid, comm, state, then ppid..cmajflt (10 fields), utime, stime, cutime
        let fields: Vec<String> = (1..=10).map(|n| n.to_string()).collect();
        let stat = format!("7 (x) (y)) R {} 250 30 99", fields.join(" "));
        assert_eq!(cpu_ticks(&stat), Some(280));
        assert_eq!(cpu_ticks("7 (x) R 1 2"), None);
        assert_eq!(cpu_ticks("no name"), None);
    }

    #[test]
    fn rss_line_and_own_process() {
        assert_eq!(
            vm_rss("Name:\tx\nVmRSS:\t  1234 kB\nVmSwap: 0 kB\n"),
            Some(1234)
        );
        assert_eq!(vm_rss("Name:\tx\n"), None);
        assert!(rss_kib(std::process::id()).unwrap_or(0) > 0);
        assert!(own_cpu().is_ok());
    }
}
