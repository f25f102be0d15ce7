//! Group helpers for the tests: waiting for group outputs, inviting and joining, a
//! group of three.

use chat_proto::role::GroupMemberRole;
use simplex_chat::ChatOutput;
use simplex_chat::groups_output::GroupOutput;

use std::path::Path;
use std::sync::Arc;

use simplex_chat::clock::SystemClock;

use super::{Client, Relay, new_client};

/// Waits for a group output matching `f`.
pub async fn wait_group<T>(
    c: &mut Client,
    what: &str,
    mut f: impl FnMut(&GroupOutput) -> Option<T>,
) -> T {
    c.wait_for(what, |o| match o {
        ChatOutput::Group(g) => f(g),
        _ => None,
    })
    .await
}

/// Waits for a received group message; returns its quote.
pub async fn wait_group_msg(c: &mut Client, from: &str, text: &str) -> Option<String> {
    wait_group(c, &format!("#team {from}> {text}"), |g| match g {
        GroupOutput::NewItem { item, .. }
            if item.member.as_deref() == Some(from) && item.text == text =>
        {
            Some(item.quote.as_ref().map(|q| q.text.clone()))
        }
        _ => None,
    })
    .await
}

pub async fn wait_member_connected(c: &mut Client, member: &str) {
    wait_group(c, &format!("{member} connected"), |g| match g {
        GroupOutput::MemberConnected { member: m, .. } if m == member => Some(()),
        _ => None,
    })
    .await;
}

/// `host` invites `guest` (a contact) and `guest` joins; both see the connection.
pub async fn invite_and_join(host: &mut Client, guest: &mut Client, guest_name: &str) {
    host.exec(&format!("/a #team @{guest_name}")).await;
    let group = wait_group(guest, "invitation", |g| match g {
        GroupOutput::Invited { group, from } if from == "alice" => Some(group.clone()),
        _ => None,
    })
    .await;
    assert_eq!(group.role, GroupMemberRole::Member);
    let out = guest.exec("/j #team").await;
    assert!(matches!(&out[0], ChatOutput::Group(GroupOutput::Joining(g)) if g == "team"));
    wait_group(guest, "joined", |g| {
        matches!(g, GroupOutput::Joined(n) if n == "team").then_some(())
    })
    .await;
    wait_group(host, "member joined", |g| match g {
        GroupOutput::MemberJoined { member, .. } if member == guest_name => Some(()),
        _ => None,
    })
    .await;
}

pub fn rendered(out: &[ChatOutput]) -> String {
    out.iter()
        .flat_map(|o| simplex_chat::view::render(o, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// alice (owner) creates `#team` and invites bob and cath (her contacts), who join and
/// connect to each other.
pub async fn group_of_three(alice: &mut Client, bob: &mut Client, cath: &mut Client) {
    super::connect(alice, "alice", bob, "bob").await;
    super::connect(alice, "alice", cath, "cath").await;
    alice.exec("/g team").await;
    invite_and_join(alice, bob, "bob").await;
    invite_and_join(alice, cath, "cath").await;
    wait_member_connected(bob, "cath").await;
    wait_member_connected(cath, "bob").await;
}

/// Three new clients (alice, bob, cath) with the system clock.
pub async fn three_clients(relay: &Relay, dir: &Path) -> (Client, Client, Client) {
    let clock = Arc::new(SystemClock);
    let alice = new_client(relay, dir, "alice", clock.clone()).await;
    let bob = new_client(relay, dir, "bob", clock.clone()).await;
    let cath = new_client(relay, dir, "cath", clock).await;
    (alice, bob, cath)
}

/// The link in a `Link` output.
pub fn link_of(out: &[ChatOutput]) -> String {
    match out {
        [ChatOutput::Group(GroupOutput::Link { link, .. })] => {
            link.short_link.clone().unwrap_or(link.link.clone())
        }
        other => panic!("expected a group link, got {other:?}"),
    }
}

/// The error text of a command that must fail.
pub async fn error_of(c: &Client, cmd: &str) -> String {
    match c.chat.execute(cmd).await.as_slice() {
        [ChatOutput::Error(e)] => e.clone(),
        other => panic!("{cmd}: expected an error, got {other:?}"),
    }
}
