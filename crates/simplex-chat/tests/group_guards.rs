//! Guards found in review, with real relays: joining a group by link incognito is
//! refused without sending the real profile; an observer cannot edit; reactions to
//! deleted messages are refused and direct chats keep the reaction limit; a host's
//! messages naming the user's own member id are ignored without jamming the connection.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use chat_proto::ChatMessage;
use chat_proto::content::MsgContent;
use chat_proto::event::ChatMsgEvent;
use chat_proto::group::{GroupInvitation, IntroInvitation, MemberIdRole, MemberInfo};
use chat_proto::ids::MemberId;
use chat_proto::profile::Profile;
use chat_proto::role::GroupMemberRole;
use chat_proto::version::SUPPORTED_CHAT_VRANGE;
use common::groups::{
    error_of, invite_and_join, link_of, rendered, three_clients, wait_group, wait_group_msg,
};
use common::{Client, WAIT, connect, new_client, start_relay};
use simplex_agent::store::ConnId;
use simplex_chat::clock::SystemClock;
use simplex_chat::engine::ChatId;
use simplex_chat::groups_output::GroupOutput;
use simplex_chat::store::{Group, GroupItem};
use simplex_chat::{ChatError, ChatOutput};

/// Waits for the next error output, skipping other events.
async fn next_error(c: &mut Client, what: &str) -> String {
    loop {
        let ev = tokio::time::timeout(WAIT, c.events.recv())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
            .expect("event channel closed");
        if let ChatOutput::Error(e) = ev {
            return e;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incognito_join_by_group_link_is_refused_and_the_real_name_never_sent() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob, _cath) = three_clients(&relay, dir.path()).await;
    alice.exec("/g team").await;
    let link = link_of(&alice.exec("/create link #team").await);

    let out = bob.exec(&format!("/c incognito {link}")).await;
    let incognito = match out.as_slice() {
        [
            ChatOutput::ConnectionSent {
                incognito: Some(p), ..
            },
        ] => p.clone(),
        other => panic!("expected an incognito connection, got {other:?}"),
    };
    assert_ne!(incognito, "bob");
    // the host only ever sees the random profile
    let (member, full_name) = wait_group(&mut alice, "join request", |g| match g {
        GroupOutput::LinkRequestAccepting {
            member, full_name, ..
        } => Some((member.clone(), full_name.clone())),
        _ => None,
    })
    .await;
    assert_eq!(member, incognito);
    assert_ne!(full_name, "bob");

    let e = next_error(&mut bob, "the refusal").await;
    assert!(
        e.contains("#team: joining a group incognito is not supported"),
        "{e}"
    );
    // the joiner stored no group
    assert!(matches!(
        bob.chat.execute("/ms #team").await.as_slice(),
        [ChatOutput::Error(_)]
    ));
    let ms = rendered(&alice.exec("/ms #team").await);
    assert!(!ms.contains("bob"), "{ms}");
}

/// A client's group `name`.
fn group_of(c: &Client, name: &str) -> Group {
    let user = c.chat.active_user().unwrap().unwrap();
    c.chat
        .store()
        .group_by_name(user.user_id, name)
        .unwrap()
        .unwrap()
}

/// A client's group item starting with `text`.
fn item_of(c: &Client, g: &Group, text: &str) -> GroupItem {
    c.chat
        .store()
        .find_group_item(g.group_id, text)
        .unwrap()
        .unwrap()
}

/// alice and bob (contacts) in alice's `#team`.
async fn alice_and_bob_in_team(relay: &common::Relay, dir: &std::path::Path) -> (Client, Client) {
    let mut alice = new_client(relay, dir, "alice", Arc::new(SystemClock)).await;
    let mut bob = new_client(relay, dir, "bob", Arc::new(SystemClock)).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    alice.exec("/g team").await;
    invite_and_join(&mut alice, &mut bob, "bob").await;
    (alice, bob)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observer_cannot_edit_its_group_message() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob) = alice_and_bob_in_team(&relay, dir.path()).await;
    bob.exec("#team hi").await;
    wait_group_msg(&mut alice, "bob", "hi").await;
    alice.exec("/mr #team bob observer").await;
    wait_group(&mut bob, "role change", |g| match g {
        GroupOutput::RoleChanged {
            member: None, to, ..
        } => (*to == GroupMemberRole::Observer).then_some(()),
        _ => None,
    })
    .await;

    let e = error_of(&bob, "! #team (hi) edited").await;
    assert!(
        e.contains("you don't have permission to edit messages"),
        "{e}"
    );
    // the bot API path (`/_update item #g ...`) is refused the same way
    let g = group_of(&bob, "team");
    let item = item_of(&bob, &g, "hi");
    let r = bob
        .chat
        .update_item(
            ChatId::Group(g.group_id),
            item.item_id,
            MsgContent::text("edited"),
        )
        .await;
    assert!(matches!(r, Err(ChatError::Prohibited(_))), "{r:?}");
    let item = item_of(&bob, &g, "hi");
    assert_eq!(item.text, "hi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactions_to_deleted_items_are_refused_and_direct_chats_keep_the_limit() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (alice, mut bob) = alice_and_bob_in_team(&relay, dir.path()).await;

    // direct chat: at most three reactions of the user on one message
    alice.exec("@bob hello").await;
    bob.wait_msg("alice", "hello").await;
    for r in ["+1", "+)", "+*"] {
        bob.exec(&format!("{r} @alice hello")).await;
    }
    let e = error_of(&bob, "+^ @alice hello").await;
    assert!(e.contains("at most 3 reactions"), "{e}");

    // group: the user's message marked deleted takes no reaction
    bob.exec("#team bye").await;
    let g = group_of(&bob, "team");
    let item = item_of(&bob, &g, "bye");
    bob.exec("\\ #team bye").await;
    let r = bob
        .chat
        .react_item(ChatId::Group(g.group_id), item.item_id, '\u{1F44D}', true)
        .await;
    match r {
        Err(ChatError::Prohibited(e)) => assert!(e.contains("deleted"), "{e}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Sends `event` from `from` on its agent connection `conn`, as a crafted message.
async fn send_raw(from: &Client, conn: &str, event: ChatMsgEvent) {
    let user = from.chat.active_user().unwrap().unwrap();
    let body = ChatMessage::new(SUPPORTED_CHAT_VRANGE, event)
        .encode()
        .unwrap();
    from.chat
        .agent(user.user_id)
        .unwrap()
        .send(&ConnId::from(conn), &body)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hosts_messages_naming_the_users_own_member_id_are_ignored() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (alice, mut bob) = alice_and_bob_in_team(&relay, dir.path()).await;
    let bobs_id = group_of(&bob, "team").membership_id;
    let team = group_of(&alice, "team");
    let conn = alice
        .chat
        .store()
        .members(team.group_id)
        .unwrap()
        .into_iter()
        .find(|m| m.member_id == bobs_id)
        .and_then(|m| m.conn_id)
        .unwrap();
    let info = MemberInfo {
        member_id: MemberId(bobs_id.clone()),
        member_role: GroupMemberRole::Member,
        v: None,
        profile: Profile::from_name("mallory"),
    };
    let intro = ChatMsgEvent::GrpMemIntro {
        member_info: info.clone(),
        member_restrictions: None,
    };
    let fwd = ChatMsgEvent::GrpMemFwd {
        member_info: info,
        member_intro: IntroInvitation {
            group_conn_req: "https://localhost/invitation#/?v=2".into(),
            direct_conn_req: None,
        },
    };
    for (event, tag) in [(intro, "x.grp.mem.intro"), (fwd, "x.grp.mem.fwd")] {
        send_raw(&alice, &conn, event).await;
        let e = next_error(&mut bob, tag).await;
        assert!(
            e.contains(&format!(
                "#team: {tag} about a member with your own member id"
            )),
            "{e}"
        );
    }
    // the host connection still works and no member was made
    alice.exec("#team still here").await;
    wait_group_msg(&mut bob, "alice", "still here").await;
    let ms = rendered(&bob.exec("/ms #team").await);
    assert!(!ms.contains("mallory"), "{ms}");

    // an invitation whose host id is the invited id is refused; the contact still works
    let user = alice.chat.active_user().unwrap().unwrap();
    let contact = alice
        .chat
        .store()
        .contact_by_name(user.user_id, "bob")
        .unwrap()
        .unwrap();
    let same = MemberId(vec![7; 12]);
    send_raw(
        &alice,
        &contact.conn_id,
        ChatMsgEvent::GrpInv(GroupInvitation {
            from_member: MemberIdRole {
                member_id: same.clone(),
                member_role: GroupMemberRole::Owner,
            },
            invited_member: MemberIdRole {
                member_id: same,
                member_role: GroupMemberRole::Member,
            },
            conn_request: "https://localhost/invitation#/?v=2".into(),
            group_profile: serde_json::from_str(r#"{"displayName":"evil","fullName":""}"#).unwrap(),
            business: None,
            group_link_id: None,
            group_size: None,
        }),
    )
    .await;
    let e = next_error(&mut bob, "the refused invitation").await;
    assert!(e.contains("#evil: invalid invitation"), "{e}");
    assert!(error_of(&bob, "/ms #evil").await.contains("evil"));
    alice.exec("@bob still friends").await;
    bob.wait_msg("alice", "still friends").await;
}
