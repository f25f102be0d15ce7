//! Running the `smp-server` binary on real files in a temporary directory.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Configuration and data directories of one test relay.
pub struct Dirs {
    pub _tmp: tempfile::TempDir,
    pub cfg: PathBuf,
    pub log: PathBuf,
}

pub fn dirs() -> Dirs {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("cfg");
    let log = tmp.path().join("log");
    Dirs {
        _tmp: tmp,
        cfg,
        log,
    }
}

pub fn command(d: &Dirs, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_smp-server"));
    c.args(args)
        .env("SMP_SERVER_CFG_PATH", &d.cfg)
        .env("SMP_SERVER_LOG_PATH", &d.log)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    c
}

pub fn run(d: &Dirs, args: &[&str]) -> Output {
    command(d, args).output().unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The value of a `Label: value` line of the output.
pub fn line_value(out: &str, label: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{out}"))
        .trim()
        .to_owned()
}

pub fn init(d: &Dirs, extra: &[&str]) -> String {
    let mut args = vec!["init", "-y"];
    args.extend_from_slice(extra);
    let out = run(d, &args);
    assert!(
        out.status.success(),
        "init failed: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Forwards the child's stdout lines to a channel.
pub fn stdout_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

pub fn wait_for(rx: &mpsc::Receiver<String>, prefix: &str, seen: &mut Vec<String>) -> String {
    loop {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => {
                seen.push(line.clone());
                if line.starts_with(prefix) {
                    return line;
                }
            }
            Err(_) => panic!("no `{prefix}` line; output so far:\n{}", seen.join("\n")),
        }
    }
}

pub fn wait_exit(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not exit within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `init -y --no-password`, then the ini's port set to a free port; returns the port.
pub fn init_on_free_port(d: &Dirs) -> u16 {
    init(d, &["--no-password"]);
    let port = free_port();
    let ini = d.cfg.join("smp-server.ini");
    let text_ini = std::fs::read_to_string(&ini).unwrap();
    std::fs::write(
        &ini,
        text_ini.replace("\nport = 5223\n", &format!("\nport = {port}\n")),
    )
    .unwrap();
    port
}

/// Starts `smp-server start` and waits until it serves; returns the child and its output.
pub fn start_server(d: &Dirs) -> (Child, mpsc::Receiver<String>) {
    let mut child = command(d, &["start"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rx = stdout_lines(&mut child);
    let mut seen = Vec::new();
    wait_for(&rx, "Serving SMP protocol on port", &mut seen);
    (child, rx)
}
