//! Actions on group messages with three clients on a real relay on loopback: delivery
//! receipts from every member, edits, deletion by the author, moderation by an admin
//! (and its refusal below the author's role), reactions and local deletion. The
//! terminal texts are the reference's (`tests/ChatTests/Groups.hs`:
//! testGroupMessageUpdate, testGroupMessageDelete, testGroupModerate).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::groups::{group_of_three, rendered, three_clients, wait_group, wait_group_msg};
use common::{Client, start_relay};
use simplex_chat::ChatOutput;
use simplex_chat::groups_output::GroupOutput;
use simplex_chat::store::ItemStatus;

/// Waits for a group output whose rendered text is `lines`.
async fn wait_lines(c: &mut Client, lines: &[&str]) {
    let want = lines.join("\n");
    c.wait_for(&want, |o| match o {
        ChatOutput::Group(_) => (rendered(std::slice::from_ref(o)) == want).then_some(()),
        _ => None,
    })
    .await;
}

async fn exec_text(c: &Client, cmd: &str) -> String {
    rendered(&c.exec(cmd).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_edits_deletes_moderation_reactions_and_receipts() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob, mut cath) = three_clients(&relay, dir.path()).await;
    group_of_three(&mut alice, &mut bob, &mut cath).await;

    // a message reaches both members, and both send delivery receipts (a small group)
    let out = alice.exec("#team hello!").await;
    let ChatOutput::Group(GroupOutput::NewItem { item, .. }) = &out[0] else {
        panic!("{out:?}")
    };
    let sent_id = item.item_id;
    wait_group_msg(&mut bob, "alice", "hello!").await;
    wait_group_msg(&mut cath, "alice", "hello!").await;
    let mut receipts = Vec::new();
    while receipts.len() < 2 {
        let m = wait_group(&mut alice, "receipt", |g| match g {
            GroupOutput::ItemStatus {
                item_id,
                member,
                status: ItemStatus::SndRcvd,
                ..
            } if *item_id == sent_id => Some(member.clone()),
            _ => None,
        })
        .await;
        receipts.push(m);
    }
    receipts.sort();
    assert_eq!(receipts, ["bob", "cath"]);
    let deliveries = alice.chat.store().group_deliveries(sent_id).unwrap();
    assert_eq!(
        deliveries,
        [
            ("bob".to_owned(), ItemStatus::SndRcvd),
            ("cath".to_owned(), ItemStatus::SndRcvd)
        ]
    );

    // the author edits the message for everyone
    let text = exec_text(&alice, "! #team (hello) hey 👋").await;
    assert_eq!(text, "#team [edited] hey 👋");
    wait_lines(&mut bob, &["#team alice> [edited] hey 👋"]).await;
    wait_lines(&mut cath, &["#team alice> [edited] hey 👋"]).await;

    // the author deletes her message for everyone: it stays marked deleted
    cath.exec("#team how are you?").await;
    wait_group_msg(&mut alice, "cath", "how are you?").await;
    wait_group_msg(&mut bob, "cath", "how are you?").await;
    let text = exec_text(&cath, "\\ #team how are you?").await;
    assert_eq!(text, "message marked deleted");
    wait_lines(&mut alice, &["#team cath> [marked deleted] how are you?"]).await;
    wait_lines(&mut bob, &["#team cath> [marked deleted] how are you?"]).await;

    // an admin moderates a member's message, but not the owner's
    alice.exec("/mr #team @bob admin").await;
    for c in [&mut bob, &mut cath] {
        wait_group(c, "bob is admin", |g| match g {
            GroupOutput::RoleChanged { by, .. } if by.as_deref() == Some("alice") => Some(()),
            _ => None,
        })
        .await;
    }
    cath.exec("#team spam").await;
    wait_group_msg(&mut alice, "cath", "spam").await;
    wait_group_msg(&mut bob, "cath", "spam").await;
    let out = bob.chat.execute("\\\\ #team @alice hey").await;
    assert!(
        matches!(&out[0], ChatOutput::Error(e) if e == "cannot delete this item"),
        "{out:?}"
    );
    let text = exec_text(&bob, "\\\\ #team @cath spam").await;
    assert_eq!(text, "message marked deleted by you");
    wait_lines(&mut alice, &["#team cath> [marked deleted by bob] spam"]).await;
    wait_lines(&mut cath, &["#team cath> [marked deleted by bob] spam"]).await;

    // a member cannot moderate
    let out = cath.chat.execute("\\\\ #team @bob hey").await;
    assert!(matches!(&out[0], ChatOutput::Error(_)), "{out:?}");

    // reactions reach everyone, with the message they are on
    let text = exec_text(&bob, "+1 #team hey").await;
    assert_eq!(text, "added 👍");
    wait_lines(&mut alice, &["#team bob> > alice hey 👋", "    + 👍"]).await;
    wait_lines(&mut cath, &["#team bob> > alice hey 👋", "    + 👍"]).await;
    let text = exec_text(&alice, "+^ #team hey").await;
    assert_eq!(text, "added 🚀");
    wait_lines(&mut bob, &["#team alice> > alice hey 👋", "    + 🚀"]).await;
    let text = exec_text(&bob, "-1 #team hey").await;
    assert_eq!(text, "removed 👍");
    wait_lines(&mut cath, &["#team bob> > alice hey 👋", "    - 👍"]).await;
    wait_lines(&mut alice, &["#team bob> > alice hey 👋", "    - 👍"]).await;

    // the history keeps the marks; reactions are stored per member
    let tail = rendered(&alice.exec("/tail #team 5").await);
    for line in [
        "#team [edited] hey 👋",
        "#team cath> [marked deleted] how are you?",
        "#team cath> [marked deleted by bob] spam",
    ] {
        assert!(tail.contains(line), "{line} not in\n{tail}");
    }
    let item = alice
        .chat
        .store()
        .group_item(sent_id)
        .unwrap()
        .expect("item");
    assert_eq!(item.reactions, [(None, "🚀".to_owned())]);
    assert!(item.edited && item.updated_at >= item.created_at);

    // a member's message deleted by another member is only deleted locally
    let text = exec_text(&cath, "\\ #team hey").await;
    assert_eq!(text, "message deleted");
    let tail = rendered(&cath.exec("/tail #team 10").await);
    assert!(!tail.contains("hey 👋"), "{tail}");
    let tail = rendered(&bob.exec("/tail #team 10").await);
    assert!(tail.contains("#team alice> [edited] hey 👋"), "{tail}");
}
