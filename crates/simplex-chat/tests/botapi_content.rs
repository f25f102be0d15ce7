//! Message contents through the bot API: a bot engine served over WebSocket sends
//! `/_send` with a link content and the peer's agent receives an `x.msg.new` with that
//! link (the wire); links, images and voice messages sent by a bot or by the engine
//! reach a peer bot as the same contents (the store keeps the whole content).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use std::sync::Arc;

use bot::{Ws, text_of};
use chat_proto::content::MsgContent;
use common::{connect, new_client, receive_msg_news, start_relay};
use serde_json::{Value, json};
use simplex_chat::clock::SystemClock;
use simploxide_api_types::responses as r;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_sends_a_link_message_with_its_preview() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let mut bot = new_client(&relay, dir.path(), "bot", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock).await;
    connect(&mut bot, "bot", &mut bob, "bob").await;

    // bob's chat engine stops; his agent is opened on its own below
    let bob_agent = bob.agent_config(&relay);
    drop(bob);

    let mut bot_events = bot.events;
    let (api, mut server, url) = bot::serve(bot.chat).await;
    let scenario = async {
        let mut ws = Ws::connect(&url).await;
        let uid = ws.user_id().await;
        let contacts = ws
            .cmd::<r::ApiListContactsResponse>(&format!("/_contacts {uid}"))
            .await;
        let contact_id = contacts["contacts"][0]["contactId"].as_i64().unwrap();
        let sent = ws
            .cmd::<r::ApiSendMessagesResponse>(&format!(
                r#"/_send @{contact_id} json [{{"msgContent":{{"type":"link","text":"see https://simplex.chat","preview":{{"uri":"https://simplex.chat","title":"SimpleX Chat","description":"private messaging","image":"data:image/png;base64,AAAA"}}}}}}]"#
            ))
            .await;
        assert_eq!(text_of(&sent["chatItems"][0]), "see https://simplex.chat");
    };
    tokio::select! {
        () = server.run(&api, &mut bot_events, |_| {}) => panic!("the bot's engine stopped"),
        () = scenario => {}
    }

    // bob's agent receives the message: a link with its preview
    let content = receive_msg_news(bob_agent, 1).await.remove(0).content;
    assert_eq!(content.tag(), "link");
    let MsgContent::Link { text, preview } = content else {
        panic!("{content:?}")
    };
    assert_eq!(text, "see https://simplex.chat");
    assert_eq!(preview.uri, "https://simplex.chat");
    assert_eq!(preview.title, "SimpleX Chat");
    assert_eq!(preview.description, "private messaging");
    assert_eq!(preview.image, "data:image/png;base64,AAAA");
}

/// The contents sent both ways: a link with its preview, an image with a caption, a
/// voice message.
fn contents() -> Vec<Value> {
    vec![
        json!({"type": "link", "text": "see https://simplex.chat", "preview": {
            "uri": "https://simplex.chat", "title": "SimpleX Chat",
            "description": "private messaging", "image": "data:image/png;base64,AAAA"}}),
        json!({"type": "image", "text": "a cat", "image": "data:image/jpg;base64,/9j/"}),
        json!({"type": "voice", "text": "", "duration": 65}),
    ]
}

/// Waits at `ws` for a received item whose content is `mc`; returns the item.
async fn received(ws: &mut Ws, mc: &Value) -> Value {
    let ev = ws
        .event("newChatItems", |e| {
            e["chatItems"][0]["chatItem"]["content"]["msgContent"] == *mc
        })
        .await;
    let item = ev["chatItems"][0]["chatItem"].clone();
    assert_eq!(item["content"]["type"], "rcvMsgContent");
    item
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_images_and_voice_reach_a_peer_bot_as_they_were_sent() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob) = bot::two_bots(&relay, dir.path(), None).await;
    let ((alice_chat, alice_url), (bob_chat, bob_url)) = (alice.handles(), bob.handles());
    let scenario = async {
        let (mut a, mut b) = (Ws::connect(&alice_url).await, Ws::connect(&bob_url).await);
        let (a_uid, b_uid) = (a.user_id().await, b.user_id().await);
        let contacts = a
            .cmd::<r::ApiListContactsResponse>(&format!("/_contacts {a_uid}"))
            .await;
        let bob_id = contacts["contacts"][0]["contactId"].as_i64().unwrap();

        // sent by alice's bot: her reply and bob's event carry the whole content
        for mc in contents() {
            let sent = a
                .cmd::<r::ApiSendMessagesResponse>(&format!(
                    "/_send @{bob_id} json [{}]",
                    json!({ "msgContent": mc })
                ))
                .await;
            let item = &sent["chatItems"][0]["chatItem"];
            assert_eq!(item["content"]["type"], "sndMsgContent");
            assert_eq!(item["content"]["msgContent"], mc);
            let got = received(&mut b, &mc).await;
            assert_eq!(got["meta"]["itemText"], item["meta"]["itemText"]);
        }
        // sent by alice's engine: the same contents arrive the same way
        for mc in contents() {
            let content: MsgContent = serde_json::from_value(mc.clone()).unwrap();
            let out = alice_chat.send_content("bob", content, None).await.unwrap();
            assert!(
                matches!(&out[..], [simplex_chat::ChatOutput::NewItem { item, .. }]
                    if serde_json::to_value(&item.content).unwrap() == mc),
                "{out:?}"
            );
            let got = received(&mut b, &mc).await;
            if mc["type"] == "voice" {
                // the reference's item text of a voice message
                assert_eq!(got["meta"]["itemText"], "voice message (01:05)");
            }
        }
        // bob's stored history has all six, oldest first, with their contents
        let alice_id = b
            .cmd::<r::ApiListContactsResponse>(&format!("/_contacts {b_uid}"))
            .await["contacts"][0]["contactId"]
            .as_i64()
            .unwrap();
        let history = bob_chat
            .store()
            .last_items(b_uid, Some(alice_id), 6)
            .unwrap();
        let stored: Vec<Value> = history
            .iter()
            .map(|it| serde_json::to_value(&it.content).unwrap())
            .collect();
        let expected: Vec<Value> = contents().into_iter().chain(contents()).collect();
        assert_eq!(stored, expected);
        // and /tail shows them as the reference's terminal: text, captions, the voice prefix
        let tail: Vec<String> = bob_chat
            .execute("/tail @alice 3")
            .await
            .iter()
            .flat_map(|o| simplex_chat::view::render(o, false))
            .collect();
        assert_eq!(
            tail,
            [
                "alice> see https://simplex.chat",
                "alice> a cat",
                "alice> voice message (01:05)"
            ]
        );
    };
    bot::run_both(&mut alice, &mut bob, scenario).await;
}
