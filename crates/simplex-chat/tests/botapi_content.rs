//! The bot API sends link messages with their type and preview: a bot engine served
//! over WebSocket sends `/_send` with a link content, and the peer's agent, opened on
//! its own database while its chat engine is stopped, receives an `x.msg.new` whose
//! content is that link (the chat store keeps only the text, so the wire is checked).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use std::sync::Arc;
use std::time::Duration;

use bot::{Ws, text_of};
use chat_proto::content::MsgContent;
use chat_proto::event::ChatMsgEvent;
use chat_proto::parse::{ParsedBody, parse_chat_messages};
use common::{connect, new_client, start_relay};
use simplex_agent::{Agent, AgentConfig, AgentEvent};
use simplex_chat::ChatConfig;
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
    let bob_user = bob.chat.active_user().unwrap().unwrap();
    let bob_cfg = ChatConfig::new(&bob.prefix, "test passphrase", vec![relay.relay_config()]);
    let bob_agent_db = bob_cfg.agent_db_path(&bob_user.agent_db);
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
    let mut cfg = AgentConfig::new(bob_agent_db, &bob_cfg.passphrase, bob_cfg.relays.clone());
    cfg.request_timeout = Duration::from_secs(10);
    cfg.retry_delay = Duration::from_millis(200);
    let (agent, mut events) = Agent::open(cfg).await.unwrap();
    let content = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let Some(ev) = events.recv().await else {
                panic!("bob's agent stopped")
            };
            let AgentEvent::Msg {
                conn_id, id, body, ..
            } = ev
            else {
                continue;
            };
            agent.ack(&conn_id, id, None).await.unwrap();
            for parsed in parse_chat_messages(&body) {
                if let ParsedBody::Json(m) = parsed.unwrap().body
                    && let ChatMsgEvent::MsgNew(container) = m.event
                {
                    return container.content;
                }
            }
        }
    })
    .await
    .expect("no x.msg.new reached bob");
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
