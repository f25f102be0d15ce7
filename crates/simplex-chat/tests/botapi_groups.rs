//! Groups in the bot API end to end: the bot (served over WebSocket, every frame checked
//! with simploxide-api-types' strict types) creates a group and invites a terminal
//! client, sees her join, lists its groups, receives her group message as a
//! `newChatItems` event with the group's info and the sending member, and replies with
//! the JSON `/_send #ID` form (its quote names her as the quoted member; her reply
//! quoting the bot comes with a `groupSnd` quote); item times come from the bot's
//! injected clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use bot::{Ws, text_of};
use common::groups::{wait_group, wait_group_msg};
use common::{new_client, start_relay};
use simplex_chat::botapi::{BotApi, BotServer};
use simplex_chat::clock::{ManualClock, SystemClock};
use simplex_chat::groups_output::GroupOutput;
use simploxide_api_types::responses as r;

/// 2026-01-02T03:04:05Z.
const BOT_TIME: i64 = 1_767_323_045;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_hosts_a_group_and_talks_in_it() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = new_client(
        &relay,
        dir.path(),
        "bot",
        Arc::new(ManualClock::new(BOT_TIME)),
    )
    .await;
    let mut bot_events = bot.events;
    let api = BotApi::new(Arc::new(bot.chat));
    let mut server = BotServer::start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = format!("ws://{}", server.local_addr());
    let mut alice = new_client(&relay, dir.path(), "alice", Arc::new(SystemClock)).await;

    let scenario = async {
        let mut ws = Ws::connect(&url).await;
        let user = ws.cmd::<r::ShowActiveUserResponse>("/user").await;
        let uid = user["user"]["userId"].as_i64().unwrap();
        let link = ws.auto_accept_address(uid).await;
        alice.exec(&format!("/c {link}")).await;
        ws.event("contactConnected", |_| true).await;
        alice.wait_connected("bot").await;

        // the bot creates a group and invites alice (terminal syntax), she joins
        ws.cmd_raw("/g team").await;
        ws.cmd_raw("/a team alice").await;
        wait_group(&mut alice, "invitation", |g| {
            matches!(g, GroupOutput::Invited { .. }).then_some(())
        })
        .await;
        alice.exec("/j #team").await;
        let joined = ws.event("joinedGroupMember", |_| true).await;
        assert_eq!(joined["groupInfo"]["localDisplayName"], "team");
        assert_eq!(joined["member"]["localDisplayName"], "alice");
        assert_eq!(joined["groupInfo"]["membership"]["memberRole"], "owner");
        let groups = ws
            .cmd::<r::ApiListGroupsResponse>(&format!("/_groups {uid}"))
            .await;
        assert_eq!(groups["groups"].as_array().unwrap().len(), 1);
        let gid = groups["groups"][0]["groupId"].as_i64().unwrap();
        assert_eq!(groups["groups"][0]["groupSummary"]["currentMembers"], 2);

        // alice's message comes as a group item from her
        wait_group(&mut alice, "joined", |g| {
            matches!(g, GroupOutput::Joined(_)).then_some(())
        })
        .await;
        alice.exec("#team hello bot").await;
        let got = ws
            .event("newChatItems", |e| {
                text_of(&e["chatItems"][0]) == "hello bot"
            })
            .await;
        let item = &got["chatItems"][0];
        assert_eq!(item["chatInfo"]["type"], "group");
        assert_eq!(item["chatInfo"]["groupInfo"]["groupId"], gid);
        assert_eq!(item["chatItem"]["chatDir"]["type"], "groupRcv");
        assert_eq!(
            item["chatItem"]["chatDir"]["groupMember"]["localDisplayName"],
            "alice"
        );
        // the item's times are the bot's clock, not the time of conversion
        assert_eq!(
            item["chatItem"]["meta"]["createdAt"],
            "2026-01-02T03:04:05Z"
        );
        assert_eq!(item["chatItem"]["meta"]["itemTs"], "2026-01-02T03:04:05Z");
        let item_id = item["chatItem"]["meta"]["itemId"].as_i64().unwrap();

        // the bot replies to the group with the JSON form, quoting her
        let sent = ws
            .cmd::<r::ApiSendMessagesResponse>(&format!(
                r#"/_send #{gid} json [{{"msgContent":{{"type":"text","text":"hi team"}},"quotedItemId":{item_id}}}]"#
            ))
            .await;
        assert_eq!(
            sent["chatItems"][0]["chatItem"]["chatDir"]["type"],
            "groupSnd"
        );
        assert_eq!(text_of(&sent["chatItems"][0]), "hi team");
        // the quote names alice as the quoted member
        let quoted = &sent["chatItems"][0]["chatItem"]["quotedItem"];
        assert_eq!(quoted["chatDir"]["type"], "groupRcv");
        assert_eq!(
            quoted["chatDir"]["groupMember"]["localDisplayName"],
            "alice"
        );
        assert_eq!(quoted["itemId"], item_id);
        assert_eq!(quoted["content"]["text"], "hello bot");
        let sent_id = sent["chatItems"][0]["chatItem"]["meta"]["itemId"].clone();
        let quote = wait_group_msg(&mut alice, "bot", "hi team").await;
        assert_eq!(quote.as_deref(), Some("hello bot"));

        // alice replies quoting the bot: the bot sees its own message quoted
        alice.exec("> #team @bot (hi team) thanks bot").await;
        let got = ws
            .event("newChatItems", |e| {
                text_of(&e["chatItems"][0]) == "thanks bot"
            })
            .await;
        let quoted = &got["chatItems"][0]["chatItem"]["quotedItem"];
        assert_eq!(quoted["chatDir"]["type"], "groupSnd");
        assert_eq!(quoted["itemId"], sent_id);
        assert_eq!(quoted["content"]["text"], "hi team");

        // an unknown group is a store error
        let e = ws
            .cmd_err(r#"/_send #999 json [{"msgContent":{"type":"text","text":"x"}}]"#)
            .await;
        assert_eq!(e["storeError"]["type"], "groupNotFound");
    };
    tokio::select! {
        () = server.run(&api, &mut bot_events, |_| {}) => panic!("the bot's engine stopped"),
        () = scenario => {}
    }
}
