//! Group delivery states and moderation in the bot API, end to end with a bot and two
//! terminal members (every frame checked with simploxide-api-types' strict types):
//! delivery receipts of the bot's group message come as `chatItemsStatusesUpdated`
//! whenever the message's overall state changes (the reference's
//! `membersGroupItemStatus`: partial, then complete), and a message moderated by an
//! admin comes as `chatItemsDeleted` with `itemDeleted` of type `moderated` naming
//! the moderator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use std::sync::Arc;

use bot::{Ws, join_bots_group, text_of};
use common::groups::{wait_group, wait_group_msg, wait_member_connected};
use common::{new_client, start_relay};
use simplex_chat::clock::SystemClock;
use simplex_chat::groups_output::GroupOutput;
use simploxide_api_types::responses as r;

/// simploxide's generated enums are large: the test runs on a big stack.
#[test]
fn bot_sees_group_delivery_states_and_moderation() {
    bot::on_big_stack(scenario());
}

async fn scenario() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let bot = new_client(&relay, dir.path(), "bot", clock.clone()).await;
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let mut cath = new_client(&relay, dir.path(), "cath", clock).await;
    let mut bot_events = bot.events;
    let (api, mut server, url) = bot::serve(bot.chat).await;

    let scenario = async {
        let mut ws = Ws::connect(&url).await;
        let uid = ws.user_id().await;
        let link = ws.auto_accept_address(uid).await;
        ws.cmd_raw("/g team").await;
        join_bots_group(&mut ws, &mut alice, "alice", &link).await;
        join_bots_group(&mut ws, &mut cath, "cath", &link).await;
        wait_member_connected(&mut alice, "cath").await;
        wait_member_connected(&mut cath, "alice").await;
        let groups = ws
            .cmd::<r::ApiListGroupsResponse>(&format!("/_groups {uid}"))
            .await;
        let gid = groups["groups"][0]["groupId"].as_i64().unwrap();

        // the bot's message: its overall state moves as each member's receipt arrives
        let sent = ws
            .cmd::<r::ApiSendMessagesResponse>(&format!(
                r#"/_send #{gid} json [{{"msgContent":{{"type":"text","text":"hello members"}}}}]"#
            ))
            .await;
        let item_id = sent["chatItems"][0]["chatItem"]["meta"]["itemId"].clone();
        wait_group_msg(&mut alice, "bot", "hello members").await;
        wait_group_msg(&mut cath, "bot", "hello members").await;
        let mut seen = Vec::new();
        loop {
            let e = ws
                .event("chatItemsStatusesUpdated", |e| {
                    e["chatItems"][0]["chatItem"]["meta"]["itemId"] == item_id
                })
                .await;
            let st = &e["chatItems"][0]["chatItem"]["meta"]["itemStatus"];
            assert_eq!(e["chatItems"][0]["chatInfo"]["type"], "group");
            let state = format!(
                "{} {}",
                st["type"].as_str().unwrap(),
                st["sndProgress"].as_str().unwrap()
            );
            assert!(!seen.contains(&state), "{state} twice in {seen:?}");
            seen.push(state);
            if seen.last().map(String::as_str) == Some("sndRcvd complete") {
                break;
            }
        }
        // with two members every step is first partial: one member is always ahead
        assert!(seen.iter().any(|s| s.ends_with("partial")), "{seen:?}");
        assert_eq!(
            seen.iter().filter(|s| s.starts_with("sndRcvd")).count(),
            2,
            "{seen:?}"
        );

        // alice becomes an admin and moderates cath's message
        ws.cmd_raw("/mr team alice admin").await;
        wait_group(&mut alice, "admin", |g| match g {
            GroupOutput::RoleChanged { member: None, .. } => Some(()),
            _ => None,
        })
        .await;
        cath.exec("#team spam").await;
        ws.event("newChatItems", |e| text_of(&e["chatItems"][0]) == "spam")
            .await;
        wait_group_msg(&mut alice, "cath", "spam").await;
        alice.exec("\\\\ #team @cath spam").await;
        let del = ws.event("chatItemsDeleted", |_| true).await;
        let item = &del["chatItemDeletions"][0]["deletedChatItem"]["chatItem"];
        let deleted = &item["meta"]["itemDeleted"];
        assert_eq!(deleted["type"], "moderated");
        assert_eq!(deleted["byGroupMember"]["localDisplayName"], "alice");
        assert_eq!(deleted["byGroupMember"]["memberRole"], "admin");
        assert_eq!(item["chatDir"]["groupMember"]["localDisplayName"], "cath");
    };
    tokio::select! {
        () = server.run(&api, &mut bot_events, |_| {}) => panic!("the bot's engine stopped"),
        () = scenario => {}
    }
}
