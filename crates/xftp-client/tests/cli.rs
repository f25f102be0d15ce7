//! The `xftp` binary against a real relay: send with two recipients, info, recv (with
//! and without deleting the description), del, and a wrong-party error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{TestRelay, content, write_file};

/// Runs `xftp args…` with `stdin` text (from a file), off the async runtime, which
/// the relay runs on.
async fn xftp(args: Vec<String>, stdin: &'static str) -> Output {
    tokio::task::spawn_blocking(move || {
        let input = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(input.path(), stdin).unwrap();
        Command::new(env!("CARGO_BIN_EXE_xftp"))
            .args(&args)
            .stdin(std::fs::File::open(input.path()).unwrap())
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_info_recv_del() {
    let relay = TestRelay::start().await;
    let server = relay.relay.server.to_string();
    let data = content(100_000, 42);
    let (src, file) = write_file("photo.jpg", &data);
    let out = src.path().join("out");
    let send = xftp(
        vec![
            "send".into(),
            s(&file),
            s(&out),
            "-n".into(),
            "2".into(),
            "-s".into(),
            server.clone(),
        ],
        "",
    )
    .await;
    assert!(
        send.status.success(),
        "{}{}",
        stdout(&send),
        String::from_utf8_lossy(&send.stderr)
    );
    let descs = out.join("photo.jpg.xftp");
    let (rcv1, rcv2, snd) = (
        descs.join("rcv1.xftp"),
        descs.join("rcv2.xftp"),
        descs.join("snd.xftp.private"),
    );
    let text = stdout(&send);
    assert!(text.contains("File uploaded!"), "{text}");
    assert!(
        text.contains(&format!("Sender file description: {}", s(&snd))),
        "{text}"
    );
    assert!(text.contains(&s(&rcv2)), "{text}");
    assert!(text.contains("Web link:\nhttps://127.0.0.1/#"), "{text}");

    let info = xftp(vec!["info".into(), s(&rcv1)], "").await;
    assert!(info.status.success());
    // 100 000 bytes + header + 24 bytes of length and tag: two 64 KB chunks
    let expected = format!(
        "Recipient file description\nFile download size: 128kb\nFile server(s):\n{server}: 128kb\n"
    );
    assert_eq!(stdout(&info), expected);

    let dl = src.path().join("dl");
    let recv = xftp(vec!["recv".into(), s(&rcv1), s(&dl), "-y".into()], "").await;
    assert!(recv.status.success(), "{}", stdout(&recv));
    assert!(stdout(&recv).contains(&format!("File downloaded: {}", s(&dl.join("photo.jpg")))));
    assert_eq!(std::fs::read(dl.join("photo.jpg")).unwrap(), data);
    assert!(!rcv1.exists(), "-y deletes the used description");

    // answering "n" keeps the description; the second copy gets a unique name
    let recv2 = xftp(vec!["recv".into(), s(&rcv2), s(&dl)], "n\n").await;
    assert!(recv2.status.success(), "{}", stdout(&recv2));
    assert!(stdout(&recv2).contains("can't be used again. Delete it (Y/n): "));
    assert_eq!(std::fs::read(dl.join("photo_1.jpg")).unwrap(), data);
    assert!(rcv2.exists());

    // a recipient description cannot delete; the sender's can
    let wrong = xftp(vec!["del".into(), s(&rcv2), "-y".into()], "").await;
    assert!(!wrong.status.success());
    assert!(
        stdout(&wrong).contains("expected a sender file description"),
        "{}",
        stdout(&wrong)
    );
    assert_eq!(relay.server.file_count(), 2);
    let del = xftp(vec!["del".into(), s(&snd), "-y".into()], "").await;
    assert!(del.status.success(), "{}", stdout(&del));
    assert!(stdout(&del).contains("File deleted!"));
    assert_eq!(relay.server.file_count(), 0);
    assert!(!snd.exists());
}
