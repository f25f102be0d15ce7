//! The `xftp-server` binary on real files in a temporary directory: init, start (serving
//! a real client), SIGTERM, restart with the store log, delete.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::*;

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xftp-server"));
    c.env("XFTP_SERVER_CFG_PATH", dir.join("etc"))
        .env("XFTP_SERVER_LOG_PATH", dir.join("var"))
        .env("RUST_LOG", "warn");
    c
}

/// Starts the server and reads its stdout until it listens; returns the port and lines.
// The child is returned to the caller, which waits for it in `terminate`.
#[allow(clippy::zombie_processes)]
fn spawn(dir: &Path) -> (Child, u16, Vec<String>) {
    let mut child = bin(dir)
        .arg("start")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut l = String::new();
        assert!(
            out.read_line(&mut l).unwrap() > 0,
            "server exited: {lines:?}"
        );
        let l = l.trim_end().to_owned();
        if let Some(p) = l.strip_prefix("Listening on port ") {
            let port = p.trim_end_matches("...").parse().unwrap();
            lines.push(l);
            child.stdout = Some(out.into_inner());
            return (child, port, lines);
        }
        lines.push(l);
    }
}

fn terminate(mut child: Child) -> String {
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut rest = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "exit status after SIGTERM");
    rest
}

fn fingerprint(dir: &Path) -> [u8; 32] {
    let text = std::fs::read_to_string(dir.join("etc/fingerprint")).unwrap();
    simplex_transport::parse_fingerprint(text.trim()).unwrap()
}

// Multi-threaded: the client connection keeps running while the test waits on the child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_start_stop_restart_delete() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = dir.join("files");
    let out = bin(dir)
        .args([
            "init",
            "-p",
            files.to_str().unwrap(),
            "-q",
            "1gb",
            "-a",
            "ED25519",
            "--fqdn",
            "files.example.net",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let fp = fingerprint(dir);
    let fp_text = simplex_transport::fingerprint_text(&fp);
    assert!(
        stdout.contains(&format!(
            "Server address: xftp://{fp_text}@files.example.net\n"
        )),
        "{stdout}"
    );
    for f in [
        "ca.crt",
        "ca.key",
        "server.crt",
        "server.key",
        "fingerprint",
        "file-server.ini",
    ] {
        assert!(dir.join("etc").join(f).exists(), "{f}");
    }
    let ini_path = dir.join("etc/file-server.ini");
    let ini = std::fs::read_to_string(&ini_path).unwrap();
    for line in [
        "enable = on",
        "port = 443",
        "storage_quota = 1gb",
        "expire_files_hours = 48",
        "host = files.example.net",
    ] {
        assert!(ini.lines().any(|l| l == line), "{line}");
    }
    assert!(ini.contains(&format!("path = {}", files.display())));
    // A second init refuses to overwrite.
    let again = bin(dir)
        .args(["init", "-p", "x", "-q", "1gb"])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already initialized"));

    // Port 0 so the test does not need a fixed free port.
    std::fs::write(&ini_path, ini.replace("port = 443", "port = 0")).unwrap();
    let (child, port, lines) = spawn(dir);
    assert!(
        lines.contains(&format!(
            "Server address: xftp://{fp_text}@files.example.net:0"
        )),
        "{lines:?}"
    );
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut c = Client::connect_xftp(addr, fp).await;
    let u = Upload::new(30, 1);
    let (_, rids) = upload(&mut c, &u).await;
    assert_eq!(download(&mut c, &u.rcv[0], &rids[0]).await.unwrap(), u.data);
    drop(c);
    assert!(terminate(child).contains("Server stopped"));

    // The chunk and its record survive a restart.
    let (child, port, _) = spawn(dir);
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut c = Client::connect_xftp(addr, fp).await;
    assert_eq!(download(&mut c, &u.rcv[0], &rids[0]).await.unwrap(), u.data);
    drop(c);
    terminate(child);
    assert!(dir.join("var/file-server-store.log").exists());

    let out = bin(dir).args(["delete", "-y"]).output().unwrap();
    assert!(out.status.success());
    assert!(!dir.join("etc").exists() && !dir.join("var").exists());
    let start = bin(dir).arg("start").output().unwrap();
    assert!(!start.status.success());
    assert!(String::from_utf8_lossy(&start.stderr).contains("not initialized"));
}
