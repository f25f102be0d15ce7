//! The bot API end to end: a relay on loopback, a bot engine served over WebSocket, a
//! real WebSocket client (every frame checked with simploxide-api-types' strict types)
//! and a second, terminal-style client that talks to the bot.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use bot::{Ws, text_of};
use common::{new_client, start_relay};
use serde_json::Value;
use simplex_chat::botapi::{BotApi, BotServer};
use simplex_chat::clock::SystemClock;
use simploxide_api_types::responses as r;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_serves_address_auto_accept_messages_and_events() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let bot = new_client(&relay, dir.path(), "bot", clock.clone()).await;
    let mut bot_events = bot.events;
    let api = BotApi::new(Arc::new(bot.chat));
    let mut server = BotServer::start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = format!("ws://{}", server.local_addr());
    let mut bob = new_client(&relay, dir.path(), "bob", clock).await;

    let scenario = async {
        let mut ws = Ws::connect(&url).await;
        let user = ws.cmd::<r::ShowActiveUserResponse>("/user").await;
        assert_eq!(user["user"]["localDisplayName"], "bot");
        let uid = user["user"]["userId"].as_i64().unwrap();

        // the address, auto-accept, and the empty group list
        let created = ws
            .cmd::<r::ApiCreateMyAddressResponse>(&format!("/_address {uid}"))
            .await;
        assert_eq!(created["type"], "userContactLinkCreated");
        let links = &created["connLinkContact"];
        let link = links["connShortLink"]
            .as_str()
            .or(links["connFullLink"].as_str())
            .unwrap()
            .to_owned();
        let updated = ws
            .cmd::<r::ApiSetAddressSettingsResponse>(&format!("/_auto_accept {uid} on"))
            .await;
        assert!(updated["contactLink"]["addressSettings"]["autoAccept"].is_object());
        let shown = ws
            .cmd::<r::ApiShowMyAddressResponse>(&format!("/_show_address {uid}"))
            .await;
        assert_eq!(shown["contactLink"]["connLinkContact"], *links);
        let groups = ws
            .cmd::<r::ApiListGroupsResponse>(&format!("/_groups {uid}"))
            .await;
        assert_eq!(groups["groups"], Value::Array(vec![]));

        // bob connects to the address; the bot accepts by itself
        bob.exec(&format!("/c {link}")).await;
        let accepting = ws.event("acceptingContactRequest", |_| true).await;
        assert_eq!(accepting["contact"]["localDisplayName"], "bob");
        let connected = ws.event("contactConnected", |_| true).await;
        let contact_id = connected["contact"]["contactId"].as_i64().unwrap();
        bob.wait_connected("bot").await;
        let contacts = ws
            .cmd::<r::ApiListContactsResponse>(&format!("/_contacts {uid}"))
            .await;
        assert_eq!(contacts["contacts"][0]["contactId"], contact_id);

        // a message in, a quoted reply out with the JSON /_send form
        bob.exec("@bot hello bot").await;
        let got = ws
            .event("newChatItems", |e| {
                text_of(&e["chatItems"][0]) == "hello bot"
            })
            .await;
        let item = &got["chatItems"][0];
        assert_eq!(item["chatItem"]["chatDir"]["type"], "directRcv");
        assert_eq!(item["chatInfo"]["contact"]["contactId"], contact_id);
        let item_id = item["chatItem"]["meta"]["itemId"].as_i64().unwrap();
        let sent = ws
            .cmd::<r::ApiSendMessagesResponse>(&format!(
                r#"/_send @{contact_id} json [{{"msgContent":{{"type":"text","text":"hi bob"}},"quotedItemId":{item_id}}}]"#
            ))
            .await;
        assert_eq!(text_of(&sent["chatItems"][0]), "hi bob");
        let reply = bob.wait_msg("bot", "hi bob").await;
        // bob sees his own message quoted
        assert_eq!(reply.quote, Some(("hello bot".to_owned(), true)));

        // delivery, an edit, a reaction and the contact leaving become events
        ws.event("chatItemsStatusesUpdated", |e| {
            e["chatItems"][0]["chatItem"]["meta"]["itemStatus"]["type"] == "sndRcvd"
        })
        .await;
        bob.exec("! @bot (hello bot) hello, bot!").await;
        let edited = ws.event("chatItemUpdated", |_| true).await;
        assert_eq!(text_of(&edited["chatItem"]), "hello, bot!");
        bob.exec("+1 @bot hi bob").await;
        let reaction = ws.event("chatItemReaction", |_| true).await;
        assert_eq!(reaction["added"], true);
        assert_eq!(
            reaction["reaction"]["chatReaction"]["reaction"]["emoji"],
            "\u{1F44D}"
        );
        bob.exec("/d @bot").await;
        let gone = ws.event("contactDeletedByContact", |_| true).await;
        assert_eq!(gone["contact"]["contactId"], contact_id);

        // errors: unknown commands, unknown ids, and frames that are not requests
        let e = ws.cmd_err("/_nonsense 1").await;
        assert_eq!(e["errorType"]["type"], "commandError");
        let e = ws.cmd_err("/nonsense").await;
        assert_eq!(e["errorType"]["type"], "commandError");
        let e = ws
            .cmd_err(r#"/_send @999 json [{"msgContent":{"type":"text","text":"x"}}]"#)
            .await;
        assert_eq!(e["storeError"]["type"], "contactNotFound");
        let e = ws.cmd_err(&format!("/_address {}", uid + 7)).await;
        assert_eq!(e["storeError"]["type"], "userNotFound");
        for garbage in [
            Message::text("not json"),
            Message::text(r#"{"corrId":1}"#),
            Message::binary(vec![0xff, 0x00, 0x12]),
        ] {
            ws.send_raw(garbage).await;
            let v = ws.frame().await;
            assert!(v.get("corrId").is_none(), "{v}");
            bot::strict::<r::ChatCmdError>(&v["resp"]);
        }
        // the connection still works after all that
        ws.cmd::<r::ShowActiveUserResponse>("/user").await;
    };
    tokio::select! {
        () = server.run(&api, &mut bot_events, |_| {}) => panic!("the bot's engine stopped"),
        () = scenario => {}
    }
}
