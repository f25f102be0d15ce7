//! Runs each subcommand of the binary with tiny sizes and checks its JSON report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::process::Command;

fn run(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_agent-bench"))
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "agent-bench {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no number {key} in {v}"))
}

#[test]
fn connect_reports_setup_times() {
    let v = run(&["connect", "--runs", "1", "--n", "2"]);
    assert_eq!(v["runs"], 1);
    assert_eq!(v["per_run"], 2);
    assert!(num(&v, "median_ms") > 0.0);
    assert!(num(&v, "p90_ms") >= num(&v, "median_ms"));
}

#[test]
fn throughput_counts_every_message() {
    let v = run(&[
        "throughput",
        "--runs",
        "1",
        "--messages",
        "5",
        "--pairs",
        "2",
    ]);
    assert_eq!(v["pairs"], 2);
    let each = v["each"].as_array().unwrap();
    assert_eq!(each.len(), 1);
    let r = &each[0];
    assert!(num(r, "total_s") >= num(r, "send_calls_s"));
    let rate = 10.0 / num(r, "total_s");
    assert!((num(&v, "msgs_per_sec") - rate).abs() < 1e-6 * rate);
}

#[test]
fn memory_reports_growth_per_connection() {
    let v = run(&["memory", "--connections", "2"]);
    assert_eq!(v["connections"], 2);
    let (base, after) = (num(&v, "rss_base_kib"), num(&v, "rss_after_kib"));
    assert!(base > 0.0);
    let per = num(&v, "kib_per_connection");
    assert!((per - (after - base).max(0.0) / 2.0).abs() < 1e-9);
}

#[test]
fn pairs_out_of_range_rejected() {
    let out = Command::new(env!("CARGO_BIN_EXE_agent-bench"))
        .args(["throughput", "--pairs", "5"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
