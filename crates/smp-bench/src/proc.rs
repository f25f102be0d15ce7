//! Process facts from /proc, and child processes of this binary.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux).
const TICKS_PER_SEC: f64 = 100.0;

/// A `Key:   123 kB` field of /proc/<pid>/status, in KiB.
pub fn status_kib(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resident set size of process `pid` ("self" for this one), in KiB.
pub fn rss_kib(pid: &str) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    status_kib(&status, "VmRSS").with_context(|| format!("no VmRSS in {path}"))
}

/// User + system CPU time of process `pid` ("self" for this one), from /proc/<pid>/stat.
pub fn cpu_time(pid: &str) -> Result<Duration> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    parse_cpu_ticks(&stat)
        .map(|t| Duration::from_secs_f64(t as f64 / TICKS_PER_SEC))
        .with_context(|| format!("cannot parse {path}"))
}

/// utime + stime (fields 14 and 15) of a /proc/<pid>/stat line; the command name in
/// parentheses may hold spaces, so fields are counted after its closing parenthesis.
pub fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ")": field 3 (state) is index 0, so field N is index N - 3.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// Bytes sent and received so far by the TCP sockets with local port `port` (summed
/// `bytes_sent` / `bytes_received` of `ss -tin`), i.e. by a relay listening there.
pub fn socket_bytes(port: u16) -> Result<(u64, u64)> {
    let out = Command::new("ss")
        .args([
            "-tinH",
            "state",
            "established",
            "sport",
            "=",
            &format!(":{port}"),
        ])
        .output()
        .context("cannot run ss")?;
    Ok(parse_ss_bytes(&String::from_utf8_lossy(&out.stdout)))
}

/// Sums `bytes_sent:N` and `bytes_received:N` over `ss -tin` output.
pub fn parse_ss_bytes(text: &str) -> (u64, u64) {
    let sum = |key: &str| -> u64 {
        text.split_whitespace()
            .filter_map(|w| w.strip_prefix(key)?.parse::<u64>().ok())
            .sum()
    };
    (sum("bytes_sent:"), sum("bytes_received:"))
}

/// Bytes received on the loopback interface so far (from /proc/net/dev).
pub fn loopback_bytes() -> Result<u64> {
    let dev = std::fs::read_to_string("/proc/net/dev").context("reading /proc/net/dev")?;
    parse_loopback_bytes(&dev).context("no lo in /proc/net/dev")
}

/// The receive byte count of `lo` in /proc/net/dev text.
pub fn parse_loopback_bytes(dev: &str) -> Option<u64> {
    dev.lines()
        .find_map(|l| l.trim_start().strip_prefix("lo:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// CPU time of the whole machine that was not idle, in seconds (from /proc/stat).
pub fn machine_busy() -> Result<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").context("reading /proc/stat")?;
    parse_busy_ticks(&stat)
        .map(|t| Duration::from_secs_f64(t as f64 / TICKS_PER_SEC))
        .context("cannot parse /proc/stat")
}

/// All ticks of the `cpu` line except idle and iowait (and the guest times, which are
/// already counted in user).
pub fn parse_busy_ticks(stat: &str) -> Option<u64> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal [guest guest_nice]
    let sum: u64 = v.iter().take(8).sum();
    Some(sum - v.get(3)? - v.get(4)?)
}

/// A child process of this binary that printed a `READY ...` line.
pub struct Spawned {
    /// The child (killed on drop if still running).
    pub child: Child,
    /// The words after `READY` as `key=value` pairs.
    pub ready: Vec<(String, String)>,
    /// Time from spawn to the `READY` line.
    pub ready_after: Duration,
    lines: BufReader<ChildStdout>,
}

impl Spawned {
    /// Runs this binary with `args`, and waits (at most `limit`) for its `READY` line.
    pub fn start(args: &[String], limit: Duration) -> Result<Spawned> {
        let exe = std::env::current_exe().context("cannot find this binary")?;
        let started = Instant::now();
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start the child process")?;
        let stdout = child.stdout.take().context("child has no stdout")?;
        let mut spawned = Spawned {
            child,
            ready: Vec::new(),
            ready_after: Duration::ZERO,
            lines: BufReader::new(stdout),
        };
        let line = spawned.read_line_until(|l| l.starts_with("READY"), limit)?;
        spawned.ready_after = started.elapsed();
        spawned.ready = parse_pairs(line.trim_start_matches("READY"));
        Ok(spawned)
    }

    /// The process id as /proc names it.
    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// A value of the `READY` line.
    pub fn get(&self, key: &str) -> Result<&str> {
        self.ready
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .with_context(|| format!("the child's READY line has no {key}"))
    }

    /// Reads stdout lines until one matches (other lines are echoed to stderr). The time
    /// limit is checked between lines.
    pub fn read_line_until(
        &mut self,
        want: impl Fn(&str) -> bool,
        limit: Duration,
    ) -> Result<String> {
        let deadline = Instant::now() + limit;
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            if self
                .lines
                .read_line(&mut line)
                .context("reading the child")?
                == 0
            {
                bail!("the child exited before it was ready");
            }
            let l = line.trim_end();
            if want(l) {
                return Ok(l.to_owned());
            }
            eprintln!("  [child] {l}");
        }
        bail!("the child was not ready within {limit:?}")
    }

    /// Closes the child's stdin (its signal to stop) and waits for it, killing it after
    /// `grace`. Returns the rest of its output, the last line first.
    pub fn stop(mut self, grace: Duration) -> Result<Vec<String>> {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + grace;
        loop {
            if self.child.try_wait()?.is_some() {
                break;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut rest = Vec::new();
        let mut line = String::new();
        while self.lines.read_line(&mut line).unwrap_or(0) > 0 {
            rest.push(line.trim_end().to_owned());
            line.clear();
        }
        rest.reverse();
        Ok(rest)
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `key=value` words of a line.
pub fn parse_pairs(s: &str) -> Vec<(String, String)> {
    s.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Runs this binary with `args` to completion (at most `limit`) and returns the
/// `key=value` pairs of its last `RESULT` line.
pub fn run_child(args: &[String], limit: Duration) -> Result<Vec<(String, String)>> {
    let spawned = Spawned::start(args, limit)?;
    let mut s = spawned;
    let line = s.read_line_until(|l| l.starts_with("RESULT"), limit)?;
    let _ = s.stop(Duration::from_secs(30))?;
    Ok(parse_pairs(line.trim_start_matches("RESULT")))
}

/// The number in a `key=value` list.
pub fn num(pairs: &[(String, String)], key: &str) -> Result<f64> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .with_context(|| format!("no {key} in the child's result"))?
        .1
        .parse()
        .with_context(|| format!("{key} is not a number"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn status_fields() {
        let s = "Name:\tx\nVmPeak:\t  2000 kB\nVmRSS:\t    1234 kB\n";
        assert_eq!(status_kib(s, "VmRSS"), Some(1234));
        assert_eq!(status_kib(s, "VmHWM"), None);
        assert!(rss_kib("self").unwrap() > 0);
    }

    #[test]
    fn stat_cpu_ticks() {
        let stat = "42 (a b) c) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 5 0 0";
        assert_eq!(parse_cpu_ticks(stat), Some(10));
        assert!(cpu_time("self").is_ok());
        assert_eq!(parse_cpu_ticks("garbage"), None);
    }

    #[test]
    fn machine_counters() {
        let dev = "Inter-|\n face |bytes\n    lo: 990 50 0 0 0 0 0 0 990 50\n  eth0: 1 2\n";
        assert_eq!(parse_loopback_bytes(dev), Some(990));
        assert_eq!(
            parse_busy_ticks("cpu  10 1 5 100 7 0 2 3 0 0\ncpu0 1"),
            Some(21)
        );
        assert!(loopback_bytes().is_ok());
        let ss = "0 0 127.0.0.1:5 127.0.0.1:9\n\t cubic bytes_sent:100 bytes_acked:100 bytes_received:7\n0 0 x y\n\t bytes_sent:5 bytes_received:1";
        assert_eq!(parse_ss_bytes(ss), (105, 8));
        assert!(machine_busy().is_ok());
    }

    #[test]
    fn pairs() {
        let p = parse_pairs(" addr=127.0.0.1:5 uri=smp://a=@h:5 junk");
        assert_eq!(p.len(), 2);
        assert_eq!(p[1], ("uri".to_owned(), "smp://a=@h:5".to_owned()));
        assert_eq!(num(&[("n".into(), "2.5".into())], "n").unwrap(), 2.5);
    }
}
