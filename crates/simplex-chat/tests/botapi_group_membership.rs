//! The user's own membership in the bot API: `membership.groupMemberId` is the user's
//! own member row (not 0), differs from every member's id, is not listed by
//! `/_members`, and stays the same after the engine restarts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use std::sync::Arc;

use bot::{Served, Ws, serve_engine, two_clients};
use common::groups::invite_and_join;
use common::{Client, open_client, start_relay};
use serde_json::Value;
use simplex_chat::clock::SystemClock;
use simploxide_api_types::responses as r;

/// Runs `scenario` while `bot` serves.
async fn with_bot<T>(bot: &mut Served, scenario: impl std::future::Future<Output = T>) -> T {
    let (api, server, events) = bot.parts();
    tokio::select! {
        () = server.run(api, events, |_| {}) => panic!("the bot's engine stopped"),
        v = scenario => v,
    }
}

/// The group's own member id and the ids `/_members` lists, from the bot API.
async fn ids(url: &str) -> (i64, Vec<(String, i64)>) {
    let mut ws = Ws::connect(url).await;
    let uid = ws.user_id().await;
    let groups = ws
        .cmd::<r::ApiListGroupsResponse>(&format!("/_groups {uid}"))
        .await;
    let g = &groups["groups"][0];
    let gid = g["groupId"].as_i64().unwrap();
    let own = g["membership"]["groupMemberId"].as_i64().unwrap();
    assert_eq!(g["membership"]["memberCategory"], "user");
    let members = ws
        .cmd::<r::ApiListMembersResponse>(&format!("/_members #{gid}"))
        .await;
    assert_eq!(
        members["group"]["groupInfo"]["membership"]["groupMemberId"],
        own
    );
    let listed = members["group"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m: &Value| {
            (
                m["localDisplayName"].as_str().unwrap().to_owned(),
                m["groupMemberId"].as_i64().unwrap(),
            )
        })
        .collect();
    (own, listed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_member_id_is_real_and_survives_a_restart() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob) = two_clients(&relay, dir.path(), None).await;
    alice.exec("/g team").await;
    invite_and_join(&mut alice, &mut bob, "bob").await;
    let prefix = alice.prefix.clone();
    let Client { chat, events, .. } = alice;

    let mut served = serve_engine(chat, events).await;
    let url = served.url.clone();
    let (own, listed) = with_bot(&mut served, ids(&url)).await;
    assert_ne!(own, 0);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].0, "bob");
    assert_ne!(listed[0].1, own);
    drop(served);

    // the same id after a restart
    let alice = open_client(&relay, &prefix, Arc::new(SystemClock)).await;
    let mut served = serve_engine(alice.chat, alice.events).await;
    let url = served.url.clone();
    let again = with_bot(&mut served, ids(&url)).await;
    assert_eq!(again, (own, listed));

    // bob's own id in his copy of the group is a real row too
    let bob_group = bob
        .chat
        .store()
        .group_by_name(bob.chat.active_user().unwrap().unwrap().user_id, "team")
        .unwrap()
        .unwrap();
    assert_ne!(bob_group.membership_row, 0);
}
