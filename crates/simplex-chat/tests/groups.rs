//! Groups of three clients on a real relay on loopback: create, invite, join, member
//! introductions, messages reaching everyone (replies too), a member restarting, the
//! host forwarding messages to members not yet connected to their author, roles,
//! profile updates, removal, leaving and deletion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use chat_proto::role::GroupMemberRole;
use common::groups::{
    invite_and_join, rendered, three_clients, wait_group, wait_group_msg, wait_member_connected,
};
use common::{connect, new_client, open_client, start_relay};
use simplex_chat::ChatOutput;
use simplex_chat::clock::SystemClock;
use simplex_chat::groups_output::GroupOutput;
use simplex_chat::store::MemberStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_of_three_every_message_reaches_everyone() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let (mut alice, mut bob, mut cath) = three_clients(&relay, dir.path()).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    connect(&mut alice, "alice", &mut cath, "cath").await;

    let out = alice.exec("/g team").await;
    assert!(rendered(&out).contains("group #team is created"));
    invite_and_join(&mut alice, &mut bob, "bob").await;

    // bob goes offline: cath joins and is introduced to him through alice while he is
    // away, so bob and cath cannot be connected yet
    let bob_prefix = bob.prefix.clone();
    drop(bob);
    invite_and_join(&mut alice, &mut cath, "cath").await;
    cath.exec("#team hello from cath").await;
    wait_group_msg(&mut alice, "cath", "hello from cath").await;
    alice.exec("#team hello from alice").await;
    wait_group_msg(&mut cath, "alice", "hello from alice").await;

    // bob restarts from his database: cath is announced, her message reaches him
    // forwarded by alice (x.grp.msg.forward), and bob and cath connect
    let mut bob = open_client(&relay, &bob_prefix, clock.clone()).await;
    wait_group(&mut bob, "cath announced", |g| match g {
        GroupOutput::MemberAnnounced { by, member, .. } if by == "alice" && member == "cath" => {
            Some(())
        }
        _ => None,
    })
    .await;
    wait_group_msg(&mut bob, "cath", "hello from cath").await;
    wait_group_msg(&mut bob, "alice", "hello from alice").await;
    wait_member_connected(&mut bob, "cath").await;
    wait_member_connected(&mut cath, "bob").await;

    // every message reaches everyone, a reply with its quote too
    bob.exec("#team hi all").await;
    wait_group_msg(&mut alice, "bob", "hi all").await;
    wait_group_msg(&mut cath, "bob", "hi all").await;
    cath.exec("> #team @bob (hi all) welcome bob").await;
    let q = wait_group_msg(&mut alice, "cath", "welcome bob").await;
    assert_eq!(q.as_deref(), Some("hi all"));
    let q = wait_group_msg(&mut bob, "cath", "welcome bob").await;
    assert_eq!(q.as_deref(), Some("hi all"));
    alice.exec("#team from the owner").await;
    wait_group_msg(&mut bob, "alice", "from the owner").await;
    wait_group_msg(&mut cath, "alice", "from the owner").await;

    let tail = rendered(&bob.exec("/tail #team 20").await);
    for line in [
        "#team cath> hello from cath",
        "#team alice> hello from alice",
        "#team hi all",
        "#team cath> > bob hi all",
        "#team alice> from the owner",
    ] {
        assert!(tail.contains(line), "{line} not in\n{tail}");
    }

    // members as the host sees them
    let out = alice.exec("/ms #team").await;
    let ChatOutput::Group(GroupOutput::Members { group, members }) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(group.role, GroupMemberRole::Owner);
    let names: Vec<_> = members.iter().map(|m| m.name().to_owned()).collect();
    assert_eq!(names, ["bob", "cath"]);
    assert!(members.iter().all(|m| m.status == MemberStatus::Connected));

    // roles: cath becomes an observer and can no longer send; bob cannot invite or remove
    alice.exec("/mr #team @cath observer").await;
    for c in [&mut bob, &mut cath] {
        wait_group(c, "role change", |g| match g {
            GroupOutput::RoleChanged { by, to, .. } if by.as_deref() == Some("alice") => {
                Some(to.clone())
            }
            _ => None,
        })
        .await;
    }
    let out = cath.chat.execute("#team can I speak?").await;
    assert!(
        matches!(&out[0], ChatOutput::Error(e) if e.contains("permission")),
        "{out:?}"
    );
    let out = bob.chat.execute("/rm #team @cath").await;
    assert!(matches!(&out[0], ChatOutput::Error(_)), "{out:?}");

    // the group profile changes for everyone
    alice.exec("/gp #team club The Club").await;
    for c in [&mut bob, &mut cath] {
        let p = wait_group(c, "profile", |g| match g {
            GroupOutput::ProfileUpdated { profile, .. } => Some(profile.clone()),
            _ => None,
        })
        .await;
        assert_eq!(
            (p.display_name.as_str(), p.full_name.as_str()),
            ("club", "The Club")
        );
    }
    assert!(
        rendered(&bob.exec("/ms #club").await).contains("cath: observer"),
        "the group is renamed for members"
    );

    // removal is seen by everyone; the connection with the member is deleted by the
    // owner, by the other member, and the removed member deletes both of hers
    let alice_before = alice.rcv_queues();
    let bob_before = bob.rcv_queues();
    let cath_before = cath.rcv_queues();
    alice.exec("/rm #club @cath").await;
    alice.expect_queues_deleted(&relay, &alice_before, 1).await;
    wait_group(&mut bob, "cath removed", |g| match g {
        GroupOutput::Removed { by, member, .. }
            if by.as_deref() == Some("alice") && member.as_deref() == Some("cath") =>
        {
            Some(())
        }
        _ => None,
    })
    .await;
    wait_group(&mut cath, "removed", |g| match g {
        GroupOutput::Removed { member: None, .. } => Some(()),
        _ => None,
    })
    .await;
    let out = cath.chat.execute("#club still here?").await;
    assert!(matches!(&out[0], ChatOutput::Error(_)), "{out:?}");
    bob.expect_queues_deleted(&relay, &bob_before, 1).await;
    cath.expect_queues_deleted(&relay, &cath_before, 2).await;
    // cath's direct connection with alice stays
    let contact_queue = cath_before.intersection(&cath.rcv_queues()).count();
    assert_eq!(contact_queue, 1, "only the contact connection is left");

    // leaving is seen by the others; the leaver deletes its member connections and
    // the owner deletes its connection with the leaver
    let alice_before = alice.rcv_queues();
    let bob_before = bob.rcv_queues();
    bob.exec("/l #club").await;
    bob.expect_queues_deleted(&relay, &bob_before, 1).await;
    wait_group(&mut alice, "bob left", |g| match g {
        GroupOutput::Left { member, .. } if member.as_deref() == Some("bob") => Some(()),
        _ => None,
    })
    .await;
    alice.expect_queues_deleted(&relay, &alice_before, 1).await;

    // the owner deletes the group (no member connections are left); the removed member
    // deletes her local copy
    let out = alice.exec("/d #club").await;
    assert!(rendered(&out).contains("#club: you deleted the group"));
    cath.exec("/d #club").await;
    let out = cath.chat.execute("/ms #club").await;
    assert!(matches!(&out[0], ChatOutput::Error(_)), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owner_deleting_the_group_is_seen_by_members() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock.clone()).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    alice.exec("/g team").await;
    invite_and_join(&mut alice, &mut bob, "bob").await;

    // a member cannot delete the group, nor change its profile
    let out = bob.chat.execute("/d #team").await;
    assert!(matches!(&out[0], ChatOutput::Error(_)), "{out:?}");
    let out = bob.chat.execute("/gp #team other").await;
    assert!(matches!(&out[0], ChatOutput::Error(_)), "{out:?}");

    // both sides delete the member connection: the owner after sending x.grp.del,
    // the member on receiving it
    let alice_before = alice.rcv_queues();
    let bob_before = bob.rcv_queues();
    alice.exec("/d #team").await;
    let by = wait_group(&mut bob, "group deleted", |g| match g {
        GroupOutput::Deleted { by, .. } => Some(by.clone()),
        _ => None,
    })
    .await;
    assert_eq!(by.as_deref(), Some("alice"));
    alice.expect_queues_deleted(&relay, &alice_before, 1).await;
    bob.expect_queues_deleted(&relay, &bob_before, 1).await;
    // the contact connection is left on both sides
    assert_eq!(bob_before.intersection(&bob.rcv_queues()).count(), 1);
    assert_eq!(alice_before.intersection(&alice.rcv_queues()).count(), 1);
    let out = bob.chat.execute("#team anyone?").await;
    assert!(matches!(&out[0], ChatOutput::Error(_)), "{out:?}");
}
