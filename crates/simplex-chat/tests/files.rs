//! Files in chat over a real SMP relay and a real XFTP relay on loopback: a file to a
//! contact (bytes identical, the reference's terminal lines), a file to a group of
//! three, automatic acceptance of a small file, the sender cancelling (chunks deleted
//! from the relay), a file relay that is down, and the receiver cancelling.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use common::{
    Client, FileRelay, connect, new_client, open_client, open_client_with, start_file_relay,
    start_relay,
};
use simplex_chat::ChatOutput;
use simplex_chat::clock::SystemClock;
use simplex_chat::files_output::FileOutput;
use simplex_chat::groups_output::GroupOutput;
use simplex_chat::store::GroupItem;

/// Deterministic contents.
fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| {
            (i as u8)
                .wrapping_mul(31)
                .wrapping_add(seed ^ (i >> 9) as u8)
        })
        .collect()
}

fn write(dir: &Path, name: &str, data: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p.display().to_string()
}

fn lines(out: &[ChatOutput]) -> Vec<String> {
    out.iter()
        .flat_map(|o| simplex_chat::view::render(o, false))
        .collect()
}

/// Waits for a file output and returns its lines.
async fn wait_file(
    c: &mut Client,
    what: &str,
    mut f: impl FnMut(&FileOutput) -> bool,
) -> Vec<String> {
    c.wait_for(what, |o| match o {
        ChatOutput::File(fo) if f(fo) => Some(simplex_chat::view::render(o, false)),
        _ => None,
    })
    .await
}

/// Waits for a received item offering a file (`file_id` when given) and returns its
/// lines.
async fn wait_offer(c: &mut Client, file_id: Option<i64>) -> Vec<String> {
    c.wait_for("file offer", |o| {
        let f = match o {
            ChatOutput::NewItem { item, .. } => item.file.as_ref(),
            ChatOutput::Group(GroupOutput::NewItem { item, .. }) => item.file.as_ref(),
            _ => None,
        }?;
        (!f.sent && file_id.is_none_or(|id| id == f.file_id))
            .then(|| simplex_chat::view::render(o, false))
    })
    .await
}

async fn wait_line(c: &mut Client, line: &str) {
    let l = line.to_owned();
    c.wait_for(line, |o| {
        simplex_chat::view::render(o, false)
            .contains(&l)
            .then_some(())
    })
    .await;
}

async fn use_relay(c: &Client, relay: &FileRelay) {
    let out = c.exec(&format!("/xftp {}", relay.uri)).await;
    assert_eq!(lines(&out), std::slice::from_ref(&relay.uri));
}

async fn status(c: &Client, id: i64) -> String {
    lines(&c.exec(&format!("/fs {id}")).await).join("\n")
}

/// An SMP relay, an XFTP relay, a folder and the clock of a test.
async fn relays() -> (
    common::Relay,
    FileRelay,
    tempfile::TempDir,
    Arc<SystemClock>,
) {
    let dir = tempfile::tempdir().unwrap();
    (
        start_relay().await,
        start_file_relay().await,
        dir,
        Arc::new(SystemClock),
    )
}

/// alice and bob, connected, with an SMP relay and an XFTP relay (set as their file
/// relay when `use_files`).
struct Pair {
    _relay: common::Relay,
    files: FileRelay,
    dir: tempfile::TempDir,
    alice: Client,
    bob: Client,
}

async fn pair(use_files: bool) -> Pair {
    let (relay, files, dir, clock) = relays().await;
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    if use_files {
        use_relay(&alice, &files).await;
        use_relay(&bob, &files).await;
    }
    Pair {
        _relay: relay,
        files,
        dir,
        alice,
        bob,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_to_contact_is_received_intact() {
    let Pair {
        files,
        dir,
        mut alice,
        mut bob,
        _relay: _smp_relay_kept_running,
        ..
    } = pair(true).await;
    let data = content(300_000, 7);
    let src = write(dir.path(), "test.bin", &data);
    let out = alice.exec(&format!("/f @bob {src}")).await;
    assert_eq!(
        lines(&out),
        [
            format!("/f @bob {src}"),
            "use /fc 1 to cancel sending".into()
        ]
    );
    // texts as the reference's tests/ChatTests/Files.hs (testXFTPFileTransfer)
    let offer = wait_offer(&mut bob, None).await;
    assert_eq!(
        offer,
        [
            "alice> sends file test.bin (293.0 KiB / 300000 bytes)",
            "use /fr 1 [<dir>/ | <path>] to receive it"
        ]
    );
    let rcv_dir = dir.path().join("bob_files");
    std::fs::create_dir(&rcv_dir).unwrap();
    let out = bob.exec(&format!("/fr 1 {}", rcv_dir.display())).await;
    let target = rcv_dir.join("test.bin");
    assert_eq!(
        lines(&out)[0],
        format!("saving file 1 from alice to {}", target.display())
    );
    wait_line(&mut alice, "completed uploading file 1 (test.bin) for bob").await;
    wait_line(&mut bob, "completed receiving file 1 (test.bin) from alice").await;
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert_eq!(
        status(&alice, 1).await,
        "sending file 1 (test.bin) complete"
    );
    assert_eq!(
        status(&bob, 1).await,
        format!(
            "receiving file 1 (test.bin) complete, path: {}",
            target.display()
        )
    );
    // accepting again is refused with the reference's text
    let again = bob.chat.execute("/fr 1").await;
    assert_eq!(lines(&again), ["file is already being received: test.bin"]);
    // the download's temporary files are gone
    let tmp = PathBuf::from(format!("{}_xftp_rcv", bob.prefix.display()));
    assert!(!tmp.join("1").exists());
    // the chunks stay on the relay after delivery (they expire), as in the reference
    assert!(files.server.file_count() > 0);
}

/// `host` invites `guest` to #team and `guest` joins.
async fn join_team(host: &mut Client, guest: &mut Client, guest_name: &str) {
    host.exec(&format!("/a #team @{guest_name}")).await;
    guest
        .wait_for("invitation", |o| {
            matches!(o, ChatOutput::Group(GroupOutput::Invited { .. })).then_some(())
        })
        .await;
    guest.exec("/j #team").await;
    host.wait_for("member joined", |o| match o {
        ChatOutput::Group(GroupOutput::MemberJoined { member, .. }) if member == guest_name => {
            Some(())
        }
        _ => None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_to_group_reaches_both_members() {
    let (relay, files, dir, clock) = relays().await;
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock.clone()).await;
    let mut cath = new_client(&relay, dir.path(), "cath", clock).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    connect(&mut alice, "alice", &mut cath, "cath").await;
    alice.exec("/g team").await;
    join_team(&mut alice, &mut bob, "bob").await;
    join_team(&mut alice, &mut cath, "cath").await;
    for c in [&alice, &bob, &cath] {
        use_relay(c, &files).await;
    }
    let data = content(100_000, 3);
    let src = write(dir.path(), "team.bin", &data);
    let out = alice.exec(&format!("/f #team {src}")).await;
    assert_eq!(lines(&out)[0], format!("/f #team {src}"));
    // both save into one folder: the second copy gets a free name (the reference's
    // testXFTPGroupFileTransfer: test.pdf, then test_1.pdf)
    let rcv_dir = dir.path().join("shared");
    std::fs::create_dir(&rcv_dir).unwrap();
    for (c, saved) in [(&mut bob, "team.bin"), (&mut cath, "team_1.bin")] {
        let offer = wait_offer(c, None).await;
        assert_eq!(
            offer[0],
            "#team alice> sends file team.bin (97.7 KiB / 100000 bytes)"
        );
        let out = c.exec(&format!("/fr 1 {}/", rcv_dir.display())).await;
        assert_eq!(
            lines(&out)[0],
            format!(
                "saving file 1 from alice to {}",
                rcv_dir.join(saved).display()
            )
        );
        wait_line(c, "completed receiving file 1 (team.bin) from alice").await;
        assert_eq!(std::fs::read(rcv_dir.join(saved)).unwrap(), data);
    }
    wait_line(
        &mut alice,
        "completed uploading file 1 (team.bin) for #team",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_files_are_accepted_automatically() {
    let (relay, files, dir, clock) = relays().await;
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let folder = dir.path().join("bob_files");
    let f2 = folder.clone();
    let mut bob = open_client_with(&relay, &dir.path().join("bob"), clock, move |cfg| {
        cfg.auto_accept_file_size = 50_000;
        cfg.files_folder = Some(f2);
    })
    .await;
    bob.exec("/create user bob").await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    use_relay(&alice, &files).await;
    use_relay(&bob, &files).await;
    let small = content(20_000, 1);
    alice
        .exec(&format!(
            "/f @bob {}",
            write(dir.path(), "small.txt", &small)
        ))
        .await;
    wait_offer(&mut bob, None).await;
    // as the reference's testAutoAcceptFile: saved under the file name in the folder
    wait_line(&mut bob, "saving file 1 from alice to small.txt").await;
    wait_line(
        &mut bob,
        "completed receiving file 1 (small.txt) from alice",
    )
    .await;
    assert_eq!(std::fs::read(folder.join("small.txt")).unwrap(), small);
    // a larger file waits for /fr
    alice
        .exec(&format!(
            "/f @bob {}",
            write(dir.path(), "large.bin", &content(60_000, 2))
        ))
        .await;
    wait_offer(&mut bob, Some(2)).await;
    wait_line(&mut alice, "completed uploading file 2 (large.bin) for bob").await;
    assert_eq!(
        status(&bob, 2).await,
        "receiving file 2 (large.bin) not accepted yet, use /fr 2 to receive file"
    );
    assert!(!folder.join("large.bin").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sender_cancels_an_uploaded_file() {
    let mut p = pair(true).await;
    let (alice, bob, files) = (&mut p.alice, &mut p.bob, &p.files);
    let dir = &p.dir;
    let src = write(dir.path(), "test.pdf", &content(150_000, 9));
    alice.exec(&format!("/f @bob {src}")).await;
    wait_offer(bob, None).await;
    wait_line(alice, "completed uploading file 1 (test.pdf) for bob").await;
    assert!(files.server.file_count() > 0);
    // texts as the reference's testXFTPDeleteUploadedFile
    let out = alice.exec("/fc 1").await;
    assert_eq!(lines(&out), ["cancelled sending file 1 (test.pdf)"]);
    wait_line(bob, "alice cancelled sending file 1 (test.pdf)").await;
    let again = bob.chat.execute("/fr 1").await;
    assert_eq!(lines(&again), ["file cancelled: test.pdf"]);
    assert_eq!(
        status(alice, 1).await,
        "sending file 1 (test.pdf) cancelled"
    );
    assert_eq!(
        status(bob, 1).await,
        "receiving file 1 (test.pdf) cancelled"
    );
    let twice = alice.chat.execute("/fc 1").await;
    assert_eq!(
        lines(&twice),
        ["error cancelling file 1: file already cancelled"]
    );
    // the chunks are deleted from the relay (in the background)
    let deleted = async {
        while files.server.file_count() > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(common::WAIT, deleted)
        .await
        .expect("chunks deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_down_is_reported_and_receiver_cancels() {
    let Pair {
        dir,
        mut alice,
        mut bob,
        _relay: _smp_relay_kept_running,
        ..
    } = pair(false).await;
    // no relay configured: a clear refusal
    let src = write(dir.path(), "doc.txt", b"hello file");
    let none = alice.chat.execute(&format!("/f @bob {src}")).await;
    assert!(lines(&none)[0].starts_with("no XFTP relays"), "{none:?}");
    // a relay address where nothing listens
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let dead = xftp_desc::XftpServer {
        hosts: vec!["127.0.0.1".into()],
        port: port.to_string(),
        key_hash: vec![7; 32],
    };
    alice.exec(&format!("/xftp {dead}")).await;
    alice.exec(&format!("/f @bob {src}")).await;
    let err = wait_file(&mut alice, "upload error", |o| {
        matches!(o, FileOutput::Uploading { what: "error", .. })
    })
    .await;
    assert_eq!(err[0], "error uploading file 1 (doc.txt) for bob");
    assert!(err.len() == 2 && !err[1].is_empty(), "{err:?}");
    assert_eq!(status(&alice, 1).await, "sending file 1 (doc.txt) error");
    // bob accepts; the description never comes; he cancels and may accept again
    wait_offer(&mut bob, None).await;
    let rcv_dir = dir.path().join("bob_files");
    std::fs::create_dir(&rcv_dir).unwrap();
    bob.exec(&format!("/fr 1 {}", rcv_dir.display())).await;
    assert_eq!(
        status(&bob, 1).await,
        "receiving file 1 (doc.txt) just started"
    );
    assert!(rcv_dir.join("doc.txt").exists(), "the target is reserved");
    let out = bob.exec("/fc 1").await;
    assert_eq!(
        lines(&out),
        ["cancelled receiving file 1 (doc.txt) from alice"]
    );
    assert!(!rcv_dir.join("doc.txt").exists());
    assert_eq!(
        status(&bob, 1).await,
        "receiving file 1 (doc.txt) not accepted yet, use /fr 1 to receive file"
    );
}

/// Waits for a received group item and returns its author's member row.
async fn wait_group_author(c: &mut Client, what: &str, want: impl Fn(&GroupItem) -> bool) -> i64 {
    c.wait_for(what, |o| match o {
        ChatOutput::Group(GroupOutput::NewItem { item, .. }) if want(item) => item.member_row,
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_file_is_credited_to_its_sender_among_namesakes() {
    let (relay, files, dir, clock) = relays().await;
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock.clone()).await;
    // a second member who also calls himself bob (alice's contact bob_1)
    let mut bob2 = open_client(&relay, &dir.path().join("bob2"), clock).await;
    bob2.exec("/create user bob").await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    connect(&mut alice, "alice", &mut bob2, "bob_1").await;
    alice.exec("/g team").await;
    join_team(&mut alice, &mut bob, "bob").await;
    alice.exec("/a #team @bob_1").await;
    bob2.wait_for("invitation", |o| {
        matches!(o, ChatOutput::Group(GroupOutput::Invited { .. })).then_some(())
    })
    .await;
    bob2.exec("/j #team").await;
    alice
        .wait_for("second bob joined", |o| {
            matches!(o, ChatOutput::Group(GroupOutput::MemberJoined { .. })).then_some(())
        })
        .await;
    use_relay(&bob2, &files).await;
    bob.exec("#team from the first").await;
    let first = wait_group_author(&mut alice, "first bob's text", |i| {
        i.text == "from the first"
    })
    .await;
    bob2.exec("#team from the second").await;
    let second = wait_group_author(&mut alice, "second bob's text", |i| {
        i.text == "from the second"
    })
    .await;
    assert_ne!(first, second);
    let src = write(dir.path(), "second.bin", &content(1_000, 5));
    bob2.exec(&format!("/f #team {src}")).await;
    let credited = wait_group_author(&mut alice, "the file offer", |i| {
        i.file.as_ref().is_some_and(|f| !f.sent)
    })
    .await;
    assert_eq!(credited, second, "the file is the second bob's");
}

/// Waits for a received item offering a file in a direct chat.
async fn wait_direct_offer(c: &mut Client) -> simplex_chat::store::ChatItem {
    c.wait_for("file offer", |o| match o {
        ChatOutput::NewItem { item, .. } if item.file.as_ref().is_some_and(|f| !f.sent) => {
            Some(item.clone())
        }
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_reply_to_a_contact_keeps_its_quote_and_timer() {
    let mut p = pair(true).await;
    let (alice, bob) = (&mut p.alice, &mut p.bob);
    alice.exec("/set disappear @bob yes 30s").await;
    bob.wait_for("alice's preference", |o| {
        matches!(o, ChatOutput::Disappearing { by_user: false, .. }).then_some(())
    })
    .await;
    bob.exec("/set disappear @alice yes").await;
    alice
        .wait_for("bob's preference", |o| {
            matches!(
                o,
                ChatOutput::Disappearing {
                    contact_allows: true,
                    user_allows: true,
                    ..
                }
            )
            .then_some(())
        })
        .await;
    bob.exec("@alice send me the report").await;
    let asked = alice.wait_msg("bob", "send me the report").await;
    let src = write(p.dir.path(), "report.bin", &content(2_000, 9));
    let content = chat_proto::content::MsgContent::File {
        text: "here it is".into(),
    };
    let to = simplex_chat::files_command::FileTarget::Contact("bob".into());
    let out = alice
        .chat
        .send_file(to, &src, content, Some(asked.item_id))
        .await
        .unwrap();
    let ChatOutput::NewItem { item: sent, .. } = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(sent.quote, Some(("send me the report".into(), false)));
    assert_eq!(sent.timed_ttl, Some(30));
    let got = wait_direct_offer(bob).await;
    assert_eq!(got.text, "here it is");
    // bob's own message is quoted
    assert_eq!(got.quote, Some(("send me the report".into(), true)));
    assert_eq!(got.timed_ttl, Some(30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_reply_in_a_group_keeps_its_quote() {
    let (relay, files, dir, clock) = relays().await;
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    alice.exec("/g team").await;
    common::groups::invite_and_join(&mut alice, &mut bob, "bob").await;
    use_relay(&alice, &files).await;
    bob.exec("#team the plan, please").await;
    let asked = alice
        .wait_for("bob's question", |o| match o {
            ChatOutput::Group(GroupOutput::NewItem { item, .. })
                if item.text == "the plan, please" =>
            {
                Some(item.item_id)
            }
            _ => None,
        })
        .await;
    let src = write(dir.path(), "plan.bin", &content(2_000, 4));
    let to = simplex_chat::files_command::FileTarget::Group("team".into());
    let content = chat_proto::content::MsgContent::File {
        text: String::new(),
    };
    let out = alice
        .chat
        .send_file(to, &src, content, Some(asked))
        .await
        .unwrap();
    let ChatOutput::Group(GroupOutput::NewItem { item: sent, .. }) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(
        sent.quote.as_ref().map(|q| q.text.as_str()),
        Some("the plan, please")
    );
    let quote = bob
        .wait_for("the file reply", |o| match o {
            ChatOutput::Group(GroupOutput::NewItem { item, .. })
                if item.file.as_ref().is_some_and(|f| !f.sent) =>
            {
                Some(item.quote.clone())
            }
            _ => None,
        })
        .await;
    assert_eq!(quote.map(|q| q.text), Some("the plan, please".to_owned()));
}
