//! Runs the `xftp-bench` binary with tiny sizes and checks its JSON reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::process::Command;

/// Runs the binary with `args` and parses the JSON document it prints last.
fn run_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_xftp-bench"))
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap();
    serde_json::from_str(last).unwrap()
}

fn figure(doc: &Value, name: &str) -> f64 {
    doc["median"][name]
        .as_f64()
        .unwrap_or_else(|| panic!("no {name} in {doc}"))
}

#[test]
fn upload_and_download_report_rates_and_the_bound() {
    for cmd in ["upload", "download"] {
        let doc = run_json(&[cmd, "--size-mib", "1", "--runs", "1"]);
        assert_eq!(doc["command"], cmd);
        assert_eq!(doc["runs"].as_array().map(Vec::len), Some(1));
        for name in ["xftp_mib_s", "tls_mib_s", "ratio"] {
            assert!(figure(&doc, name) > 0.0, "{cmd} {name}: {doc}");
        }
        let expected = figure(&doc, "xftp_mib_s") / figure(&doc, "tls_mib_s");
        assert!((figure(&doc, "ratio") - expected).abs() <= 0.01 + expected * 0.01);
    }
}

#[test]
fn memory_reports_the_relay_rss() {
    let doc = run_json(&[
        "memory",
        "--downloads",
        "2",
        "--size-mib",
        "1",
        "--runs",
        "1",
    ]);
    assert_eq!(doc["params"]["downloads"], 2);
    let before = figure(&doc, "rss_before_mib");
    assert!(before > 1.0, "{doc}");
    assert!(figure(&doc, "rss_peak_mib") >= before, "{doc}");
    assert!(figure(&doc, "kib_per_download") >= 0.0, "{doc}");
}
