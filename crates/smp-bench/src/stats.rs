//! Latency samples and their percentiles.

use std::sync::Mutex;
use std::time::Duration;

/// At most this many latency samples are kept per recorder (memory bound; later samples
/// are counted but not kept).
pub const MAX_SAMPLES: usize = 5_000_000;

/// Latency samples in microseconds, shared between tasks.
#[derive(Debug, Default)]
pub struct Latencies {
    samples: Mutex<Vec<u32>>,
}

impl Latencies {
    /// Records one latency.
    pub fn record(&self, d: Duration) {
        let us = u32::try_from(d.as_micros()).unwrap_or(u32::MAX);
        let mut s = self.samples.lock().unwrap_or_else(|e| e.into_inner());
        if s.len() < MAX_SAMPLES {
            s.push(us);
        }
    }

    /// Takes the samples recorded so far.
    pub fn take(&self) -> Vec<u32> {
        std::mem::take(&mut *self.samples.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Percentiles of a set of samples, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Percentiles {
    /// Number of samples.
    pub count: usize,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest sample.
    pub max_ms: f64,
}

/// The nearest-rank percentiles of microsecond samples (sorted in place).
pub fn percentiles(samples: &mut [u32]) -> Percentiles {
    if samples.is_empty() {
        return Percentiles::default();
    }
    samples.sort_unstable();
    let rank = |p: f64| {
        let n = samples.len();
        let i = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
        f64::from(samples[i]) / 1000.0
    };
    Percentiles {
        count: samples.len(),
        p50_ms: rank(0.50),
        p99_ms: rank(0.99),
        max_ms: f64::from(samples[samples.len() - 1]) / 1000.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let mut s: Vec<u32> = (1..=100).rev().map(|x| x * 1000).collect();
        let p = percentiles(&mut s);
        assert_eq!(p.count, 100);
        assert_eq!(p.p50_ms, 50.0);
        assert_eq!(p.p99_ms, 99.0);
        assert_eq!(p.max_ms, 100.0);
        assert_eq!(percentiles(&mut []), Percentiles::default());
        let mut one = vec![1500];
        assert_eq!(percentiles(&mut one).p99_ms, 1.5);
    }

    #[test]
    fn recorder_keeps_samples() {
        let l = Latencies::default();
        l.record(Duration::from_micros(7));
        l.record(Duration::from_secs(1));
        assert_eq!(l.take(), vec![7, 1_000_000]);
        assert!(l.take().is_empty());
    }
}
