//! Group links with real relays: the owner creates `#team`'s link; after a restart of
//! the owner it is still there and works; two users join by `/c LINK` (no contacts),
//! get the group, the second is introduced to the first, and every message reaches
//! all three (both directions); after `/delete link` joining fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::groups::{
    error_of, link_of, rendered, three_clients, wait_group, wait_group_msg, wait_member_connected,
};
use common::{Client, new_client, open_client, start_relay};
use simplex_chat::ChatOutput;
use simplex_chat::clock::SystemClock;
use simplex_chat::groups_output::GroupOutput;

/// `joiner` connects with `link`: the host accepts at once and the joiner joins.
async fn join_by_link(host: &mut Client, joiner: &mut Client, name: &str, link: &str) {
    let out = joiner.exec(&format!("/c {link}")).await;
    assert_eq!(rendered(&out), "connection request sent!");
    let accepting = wait_group(host, "join request", |g| match g {
        GroupOutput::LinkRequestAccepting { member, .. } if member == name => Some(
            simplex_chat::view::render(&ChatOutput::Group(g.clone()), false),
        ),
        _ => None,
    })
    .await;
    assert_eq!(
        accepting,
        [format!("{name}: accepting request to join group #team...")]
    );
    wait_group(joiner, "joining", |g| {
        matches!(g, GroupOutput::LinkJoining(n) if n == "team").then_some(())
    })
    .await;
    wait_group(joiner, "joined", |g| {
        matches!(g, GroupOutput::Joined(n) if n == "team").then_some(())
    })
    .await;
    wait_group(host, "member joined", |g| match g {
        GroupOutput::MemberJoined { member, .. } if member == name => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_join_by_link_and_talk_and_a_deleted_link_refuses() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (alice, mut bob, mut cath) = three_clients(&relay, dir.path()).await;
    let out = alice.exec("/g team").await;
    assert!(rendered(&out).contains("to add members use /a team <name> or /create link #team"));
    assert_eq!(
        error_of(&alice, "/show link #team").await,
        "no group link, to create: /create link #team"
    );
    let out = alice.exec("/create link #team").await;
    let link = link_of(&out);
    let text = rendered(&out);
    assert!(text.starts_with("Group link is created!\n\n"), "{text}");
    assert!(text.contains("join group as member with: /c <group_link_above>"));
    assert_eq!(
        error_of(&alice, "/create link #team").await,
        "you already have link for this group, to show: /show link #team"
    );

    // the owner restarts: the link is kept and still takes requests
    let prefix = alice.prefix.clone();
    drop(alice);
    let mut alice = open_client(&relay, &prefix, Arc::new(SystemClock)).await;
    let shown = alice.exec("/show link #team").await;
    assert_eq!(link_of(&shown), link);
    assert!(rendered(&shown).starts_with("Group link:\n"));

    join_by_link(&mut alice, &mut bob, "bob", &link).await;
    join_by_link(&mut alice, &mut cath, "cath", &link).await;
    // the host introduced cath to bob
    wait_member_connected(&mut bob, "cath").await;
    wait_member_connected(&mut cath, "bob").await;

    // the joiners see the host with its role; the link's role is theirs
    for c in [&bob, &cath] {
        let ms = rendered(&c.exec("/ms #team").await);
        assert!(ms.contains("alice: owner, host, connected"), "{ms}");
        assert!(ms.starts_with("team: you, member, member"), "{ms}");
    }

    for (from, text) in [
        ("alice", "hello all"),
        ("bob", "hi from bob"),
        ("cath", "cath here"),
    ] {
        let sender = match from {
            "alice" => &alice,
            "bob" => &bob,
            _ => &cath,
        };
        sender.exec(&format!("#team {text}")).await;
        for (name, c) in [
            ("alice", &mut alice),
            ("bob", &mut bob),
            ("cath", &mut cath),
        ] {
            if name != from {
                wait_group_msg(c, from, text).await;
            }
        }
    }

    // the link is deleted (its queue too): members stay, a new request fails
    let before = alice.rcv_queues();
    let out = alice.exec("/delete link #team").await;
    assert_eq!(
        rendered(&out),
        "Group link is deleted - joined members will remain connected.\nTo create a new group link use /create link #team"
    );
    assert_eq!(
        error_of(&alice, "/show link #team").await,
        "no group link, to create: /create link #team"
    );
    alice.expect_queues_deleted(&relay, &before, 1).await;
    let dan = new_client(&relay, dir.path(), "dan", Arc::new(SystemClock)).await;
    let e = error_of(&dan, &format!("/c {link}")).await;
    assert!(e.contains("link not found"), "{e}");
    let ms = rendered(&alice.exec("/ms #team").await);
    assert!(
        ms.contains("bob: member, invited by you, connected"),
        "{ms}"
    );
}
