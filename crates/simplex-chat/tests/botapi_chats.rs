//! Chats and items by id through the bot API, end to end (a relay on loopback, a bot
//! engine served over WebSocket, every frame checked with simploxide-api-types' strict
//! types, and terminal-style peers): `/_get chat` with `count=`/`after=`/`before=`,
//! `/_get chats`, `/_update item`, `/_delete item` (broadcast and internal),
//! `/_reaction`, in a direct chat and in a group; the peers see the edits, deletions
//! and reactions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use std::sync::Arc;

use bot::{Ws, join_bots_group, on_big_stack, strict, text_of};
use common::groups::{wait_group, wait_group_msg};
use common::{Client, new_client, start_relay};
use serde_json::Value;
use simplex_chat::ChatOutput;
use simplex_chat::clock::SystemClock;
use simplex_chat::groups_output::GroupOutput;
use simploxide_api_types as sx;
use simploxide_api_types::responses as r;

/// The texts of an `apiChat` response's items, checking the chat with simploxide's
/// `AChat` (simploxide has no `APIGetChat` response type).
fn chat_texts(resp: &Value) -> Vec<String> {
    assert_eq!(resp["type"], "apiChat", "{resp:#}");
    strict::<sx::AChat>(&resp["chat"]);
    resp["chat"]["chatItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| {
            it["content"]["msgContent"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

fn item_id(a_chat_item: &Value) -> i64 {
    a_chat_item["chatItem"]["meta"]["itemId"].as_i64().unwrap()
}

/// The bot's user id and its contact id of `peer`, connected through the bot's address.
async fn connect_to_bot(ws: &mut Ws, peer: &mut Client) -> (i64, i64) {
    let uid = ws.user_id().await;
    let link = ws.auto_accept_address(uid).await;
    peer.exec(&format!("/c {link}")).await;
    let connected = ws.event("contactConnected", |_| true).await;
    peer.wait_connected("bot").await;
    (uid, connected["contact"]["contactId"].as_i64().unwrap())
}

#[test]
fn a_bot_reads_pages_edits_deletes_and_reacts_in_a_direct_chat() {
    on_big_stack(a_bot_reads_pages_edits_deletes_and_reacts_in_a_direct_chat_body());
}

async fn a_bot_reads_pages_edits_deletes_and_reacts_in_a_direct_chat_body() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let bot = new_client(&relay, dir.path(), "bot", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock).await;
    let mut bot_events = bot.events;
    let (api, mut server, url) = bot::serve(bot.chat).await;
    let scenario = async {
        let mut ws = Ws::connect(&url).await;
        let (uid, cid) = connect_to_bot(&mut ws, &mut bob).await;
        let mut ids = Vec::new();
        for text in ["one", "two", "three"] {
            bob.exec(&format!("@bot {text}")).await;
            let got = ws
                .event("newChatItems", |e| text_of(&e["chatItems"][0]) == text)
                .await;
            ids.push(item_id(&got["chatItems"][0]));
        }

        // pages of the chat, oldest first
        let last2 = ws.cmd_raw(&format!("/_get chat @{cid} count=2")).await;
        assert_eq!(chat_texts(&last2), ["two", "three"]);
        assert_eq!(last2["chat"]["chatInfo"]["contact"]["contactId"], cid);
        let before = ws
            .cmd_raw(&format!("/_get chat @{cid} before={} count=1", ids[2]))
            .await;
        assert_eq!(chat_texts(&before), ["two"]);
        let after = ws
            .cmd_raw(&format!("/_get chat @{cid} after={} count=5", ids[0]))
            .await;
        assert_eq!(chat_texts(&after), ["two", "three"]);

        // the chat list: bob's chat with its last item
        let chats = ws
            .cmd::<r::ApiGetChatsResponse>(&format!(
                r#"/_get chats {uid} count=10 {{"type":"filters","favorite":false,"unread":false}}"#
            ))
            .await;
        let list = chats["chats"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["chatInfo"]["contact"]["localDisplayName"], "bob");
        assert_eq!(
            list[0]["chatItems"][0]["content"]["msgContent"]["text"],
            "three"
        );
        let found = ws
            .cmd::<r::ApiGetChatsResponse>(&format!(
                r#"/_get chats {uid} count=10 {{"type":"search","search":"nobody"}}"#
            ))
            .await;
        assert_eq!(found["chats"], Value::Array(vec![]));

        // the bot sends and edits its message; bob sees the edit
        let sent = ws
            .cmd::<r::ApiSendMessagesResponse>(&format!(
                r#"/_send @{cid} json [{{"msgContent":{{"type":"text","text":"hi bob"}}}}]"#
            ))
            .await;
        let sent_id = item_id(&sent["chatItems"][0]);
        bob.wait_msg("bot", "hi bob").await;
        let updated = ws
            .cmd::<r::ApiUpdateChatItemResponse>(&format!(
                r#"/_update item @{cid} {sent_id} json {{"msgContent":{{"type":"text","text":"hi bob!"}}}}"#
            ))
            .await;
        assert_eq!(updated["type"], "chatItemUpdated");
        assert_eq!(text_of(&updated["chatItem"]), "hi bob!");
        bob.wait_for("the edit", |o| match o {
            ChatOutput::ItemUpdated { item, .. } if item.text == "hi bob!" => Some(()),
            _ => None,
        })
        .await;
        // a received message cannot be edited
        let e = ws
            .cmd_err(&format!(
                r#"/_update item @{cid} {} json {{"msgContent":{{"type":"text","text":"x"}}}}"#,
                ids[0]
            ))
            .await;
        assert_eq!(e["errorType"]["type"], "invalidChatItemUpdate");

        // a reaction to bob's message
        let reacted = ws
            .cmd::<r::ApiChatItemReactionResponse>(&format!(
                r#"/_reaction @{cid} {} on {{"type":"emoji","emoji":"👍"}}"#,
                ids[2]
            ))
            .await;
        assert_eq!(reacted["added"], true);
        assert_eq!(
            reacted["reaction"]["chatReaction"]["reaction"]["emoji"],
            "👍"
        );
        bob.wait_for("the reaction", |o| match o {
            ChatOutput::Reaction {
                item,
                added: true,
                emoji,
                ..
            } if item.text == "three" && emoji == "👍" => Some(()),
            _ => None,
        })
        .await;

        // reading the chat (or some items) is accepted: no unread state is kept
        for read in [
            format!("/_read chat @{cid}"),
            format!("/_read chat items @{cid} {},{}", ids[1], ids[2]),
        ] {
            let ok = ws.cmd_raw(&read).await;
            assert_eq!(ok["type"], "cmdOk", "{read}: {ok:#}");
            // simploxide has no APIChatRead: its cmdOk is checked with a command that
            // answers only cmdOk
            strict::<r::ApiSetContactCustomDataResponse>(&ok);
            assert_eq!(ok["user_"]["userId"], uid);
        }
        let e = ws
            .cmd_err(&format!("/_read chat items @{cid} 999999"))
            .await;
        assert_eq!(e["storeError"]["type"], "chatItemNotFound");

        // the bot deletes its message for everyone, and bob's first two only here
        let deleted = ws
            .cmd::<r::ApiDeleteChatItemResponse>(&format!(
                "/_delete item @{cid} {sent_id} broadcast"
            ))
            .await;
        assert_eq!(deleted["chatItemDeletions"].as_array().unwrap().len(), 1);
        assert_eq!(deleted["byUser"], true);
        bob.wait_for("the deletion", |o| match o {
            ChatOutput::ItemDeleted { item, .. } if item.text == "hi bob!" => Some(()),
            _ => None,
        })
        .await;
        let e = ws
            .cmd_err(&format!("/_delete item @{cid} {} broadcast", ids[2]))
            .await;
        assert_eq!(e["errorType"]["type"], "invalidChatItemDelete");
        let local = ws
            .cmd::<r::ApiDeleteChatItemResponse>(&format!(
                "/_delete item @{cid} {},{} internal",
                ids[0], ids[1]
            ))
            .await;
        assert_eq!(local["chatItemDeletions"].as_array().unwrap().len(), 2);
        let rest = ws.cmd_raw(&format!("/_get chat @{cid} count=10")).await;
        assert_eq!(chat_texts(&rest), ["three", "hi bob!"]);

        // unknown items, chats and forms are errors
        let e = ws
            .cmd_err(&format!("/_delete item @{cid} 999999 internal"))
            .await;
        assert_eq!(e["storeError"]["type"], "chatItemNotFound");
        let e = ws.cmd_err("/_get chat @999 count=1").await;
        assert_eq!(e["storeError"]["type"], "contactNotFound");
        for bad in [
            "/_get chat *1 count=1".to_owned(),
            format!("/_get chat @{cid} around=1 count=1"),
            format!("/_delete item @{cid} {} history", ids[2]),
        ] {
            let e = ws.cmd_err(&bad).await;
            assert_eq!(e["errorType"]["type"], "commandError", "{bad}");
        }
    };
    tokio::select! {
        () = server.run(&api, &mut bot_events, |_| {}) => panic!("the bot's engine stopped"),
        () = scenario => {}
    }
}

#[test]
fn a_bot_reads_edits_deletes_and_reacts_in_a_group() {
    on_big_stack(a_bot_reads_edits_deletes_and_reacts_in_a_group_body());
}

async fn a_bot_reads_edits_deletes_and_reacts_in_a_group_body() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let bot = new_client(&relay, dir.path(), "bot", clock.clone()).await;
    let mut alice = new_client(&relay, dir.path(), "alice", clock).await;
    let mut bot_events = bot.events;
    let (api, mut server, url) = bot::serve(bot.chat).await;
    let scenario = async {
        let mut ws = Ws::connect(&url).await;
        let uid = ws.user_id().await;
        let link = ws.auto_accept_address(uid).await;
        ws.cmd_raw("/g team").await;
        join_bots_group(&mut ws, &mut alice, "alice", &link).await;
        alice.exec("#team hello bot").await;
        let got = ws
            .event("newChatItems", |e| {
                text_of(&e["chatItems"][0]) == "hello bot"
            })
            .await;
        let gid = got["chatItems"][0]["chatInfo"]["groupInfo"]["groupId"]
            .as_i64()
            .unwrap();
        let hello_id = item_id(&got["chatItems"][0]);

        let sent = ws
            .cmd::<r::ApiSendMessagesResponse>(&format!(
                r#"/_send #{gid} json [{{"msgContent":{{"type":"text","text":"hi team"}}}}]"#
            ))
            .await;
        let sent_id = item_id(&sent["chatItems"][0]);
        wait_group_msg(&mut alice, "bot", "hi team").await;

        let chat = ws.cmd_raw(&format!("/_get chat #{gid} count=10")).await;
        assert_eq!(chat_texts(&chat), ["hello bot", "hi team"]);
        assert_eq!(chat["chat"]["chatInfo"]["groupInfo"]["groupId"], gid);
        assert_eq!(chat["chat"]["chatItems"][0]["chatDir"]["type"], "groupRcv");
        let chats = ws
            .cmd::<r::ApiGetChatsResponse>(&format!("/_get chats {uid} count=1"))
            .await;
        // the group is the most recently active chat
        assert_eq!(chats["chats"][0]["chatInfo"]["type"], "group");

        let updated = ws
            .cmd::<r::ApiUpdateChatItemResponse>(&format!(
                r#"/_update item #{gid} {sent_id} json {{"msgContent":{{"type":"text","text":"hi team!"}}}}"#
            ))
            .await;
        assert_eq!(text_of(&updated["chatItem"]), "hi team!");
        wait_group(&mut alice, "the edit", |g| match g {
            GroupOutput::ItemUpdated { item, .. } if item.text == "hi team!" => Some(()),
            _ => None,
        })
        .await;

        let reacted = ws
            .cmd::<r::ApiChatItemReactionResponse>(&format!(
                r#"/_reaction #{gid} {hello_id} on {{"type":"emoji","emoji":"❤"}}"#
            ))
            .await;
        assert_eq!(reacted["reaction"]["chatInfo"]["type"], "group");
        wait_group(&mut alice, "the reaction", |g| match g {
            GroupOutput::Reaction {
                item, added: true, ..
            } if item.text == "hello bot" => Some(()),
            _ => None,
        })
        .await;

        ws.cmd::<r::ApiDeleteChatItemResponse>(&format!(
            "/_delete item #{gid} {sent_id} broadcast"
        ))
        .await;
        wait_group(&mut alice, "the deletion", |g| match g {
            GroupOutput::ItemDeleted { item, .. } if item.text == "hi team!" => Some(()),
            _ => None,
        })
        .await;
        let e = ws
            .cmd_err(&format!("/_delete item #{gid} {hello_id} broadcast"))
            .await;
        assert_eq!(e["errorType"]["type"], "invalidChatItemDelete");
        let e = ws.cmd_err("/_get chat #999 count=1").await;
        assert_eq!(e["storeError"]["type"], "groupNotFound");
    };
    tokio::select! {
        () = server.run(&api, &mut bot_events, |_| {}) => panic!("the bot's engine stopped"),
        () = scenario => {}
    }
}
