//! The `simplex-chat` binary driven through pipes: two clients connect by invitation
//! and exchange messages; `-e` (also with `-p`), `--import` and bad passphrases; a file
//! sent with `--xftp-server` and received into `--files-folder`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_simplex-chat");

/// A running interactive client: its stdin and a channel of its stdout lines.
struct Proc {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
}

impl Proc {
    fn start(prefix: &Path, args: &[&str]) -> Proc {
        let mut child = Command::new(BIN)
            .arg("-d")
            .arg(prefix)
            .args(["--key", "secret"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proc {
            child,
            stdin,
            lines,
        }
    }

    fn send(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Reads lines until one satisfies `f`; returns it.
    fn expect(&self, what: &str, f: impl Fn(&str) -> bool) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(90))
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
            if f(&line) {
                return line;
            }
        }
    }

    fn quit(mut self) {
        self.send("/quit");
        let status = self.child.wait().unwrap();
        assert!(status.success());
    }
}

fn run(prefix: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("-d")
        .arg(prefix)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_terminals_connect_and_chat() {
    let relay = common::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let server = relay.uri();
    let dir_path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        // alice is created on first start from the prompt, as a new user would
        let mut alice = Proc::start(&a, &["-s", &server]);
        alice.expect("name prompt", |l| {
            l.contains("Please choose your display name")
        });
        alice.send("alice");
        alice.expect("greeting", |l| l.contains("user alice"));
        alice.send("/c");
        alice.expect("invitation", |l| l.starts_with("pass this invitation link"));
        let link = alice.expect("link", |l| {
            l.starts_with("https://") || l.starts_with("simplex:")
        });

        let mut bob = Proc::start(&b, &["-s", &server, "--create-user", "bob"]);
        bob.send(&format!("/c {link}"));
        bob.expect("sent", |l| l == "confirmation sent!");
        bob.expect("connected", |l| l == "alice: contact is connected");
        alice.expect("connected", |l| l == "bob: contact is connected");

        bob.send("@alice hello from a pipe");
        alice.expect("message", |l| l == "bob> hello from a pipe");
        alice.send("@bob hi bob");
        bob.expect("reply", |l| l == "alice> hi bob");
        alice.send("@nobody hi");
        alice.expect("error", |l| l == "no contact nobody");
        alice.send("/tail @bob 2");
        alice.expect("history", |l| l == "bob> hello from a pipe");
        alice.quit();
        bob.quit();

        // -e runs one command and exits; the history survived the restart
        let a = dir_path.join("a");
        let out = run(&a, &["--key", "secret", "-e", "/tail @bob"]);
        assert!(out.status.success());
        assert!(stdout(&out).contains("@bob hi bob"), "{}", stdout(&out));

        // a wrong passphrase is a clear error
        let out = run(&a, &["--key", "wrong", "-e", "/contacts"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("wrong database passphrase"));

        // export, import under another prefix, and the contact is there
        let zip = dir_path.join("a.zip");
        let out = run(
            &a,
            &[
                "--key",
                "secret",
                "-e",
                &format!("/db export {}", zip.display()),
            ],
        );
        assert!(
            stdout(&out).contains("database archive exported"),
            "{}",
            stdout(&out)
        );
        let c = dir_path.join("c");
        let out = run(
            &c,
            &[
                "--key",
                "secret",
                "--import",
                zip.to_str().unwrap(),
                "-e",
                "/contacts",
            ],
        );
        assert!(stdout(&out).contains("bob"), "{}", stdout(&out));

        // with -e, -p does not start the bot API: the command runs and the client exits
        let out = run(&c, &["--key", "secret", "-p", "5225", "-e", "/user"]);
        assert!(out.status.success());
        assert!(stdout(&out).contains("user profile: alice"));
        // unknown commands exit with an error status
        let out = run(&c, &["--key", "secret", "-e", "/nonsense"]);
        assert!(!out.status.success());
        assert!(stdout(&out).contains("invalid command"));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_through_pipes() {
    let relay = common::start_relay().await;
    let files = common::start_file_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (server, xftp) = (relay.uri(), files.uri.clone());
    let dir_path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let data: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
        let src = dir_path.join("notes.bin");
        std::fs::write(&src, &data).unwrap();
        let inbox = dir_path.join("inbox");
        let common = ["-s", &server, "--xftp-server", &xftp];
        let mut alice = Proc::start(
            &dir_path.join("a"),
            &[&common[..], &["--create-user", "alice"]].concat(),
        );
        let folder = inbox.to_str().unwrap();
        let mut bob = Proc::start(
            &dir_path.join("b"),
            &[
                &common[..],
                &["--create-user", "bob", "--files-folder", folder],
            ]
            .concat(),
        );
        alice.send("/c");
        let link = alice.expect("link", |l| {
            l.starts_with("https://") || l.starts_with("simplex:")
        });
        bob.send(&format!("/c {link}"));
        alice.expect("connected", |l| l == "bob: contact is connected");
        bob.expect("connected", |l| l == "alice: contact is connected");

        alice.send(&format!("/f @bob {}", src.display()));
        alice.expect("cancel hint", |l| l == "use /fc 1 to cancel sending");
        bob.expect("offer", |l| {
            l == "alice> sends file notes.bin (68.4 KiB / 70000 bytes)"
        });
        bob.expect("hint", |l| l == "use /fr 1 [<dir>/ | <path>] to receive it");
        bob.send("/fr 1");
        bob.expect("saving", |l| l == "saving file 1 from alice to notes.bin");
        bob.expect("done", |l| {
            l == "completed receiving file 1 (notes.bin) from alice"
        });
        alice.expect("uploaded", |l| {
            l == "completed uploading file 1 (notes.bin) for bob"
        });
        assert_eq!(std::fs::read(inbox.join("notes.bin")).unwrap(), data);
        bob.send("/fs 1");
        bob.expect("status", |l| {
            l == "receiving file 1 (notes.bin) complete, path: notes.bin"
        });
        alice.quit();
        bob.quit();
    })
    .await
    .unwrap();
}
