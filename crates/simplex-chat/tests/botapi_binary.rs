//! The bot API through the real binary: `simplex-chat -p PORT` headless (stdin closed),
//! a WebSocket client creates the address with auto-accept, an engine client connects
//! and the bot answers its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bot::Ws;
use common::{new_client, start_relay};
use simplex_chat::clock::SystemClock;
use simploxide_api_types::responses as r;

const BIN: &str = env!("CARGO_BIN_EXE_simplex-chat");

/// Kills the child when the test ends, also on failure.
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_serves_the_bot_api() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _child = Kill(
        Command::new(BIN)
            .arg("-d")
            .arg(dir.path().join("bot"))
            .args([
                "--key",
                "secret",
                "--create-user",
                "bot",
                "-s",
                &relay.uri(),
            ])
            .args(["-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = format!("ws://127.0.0.1:{port}");
    let mut ws = None;
    for _ in 0..300 {
        if let Ok((s, _)) = tokio_tungstenite::connect_async(&url).await {
            drop(s);
            ws = Some(Ws::connect(&url).await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut ws = ws.expect("the bot API never came up");
    let user = ws.cmd::<r::ShowActiveUserResponse>("/user").await;
    let uid = user["user"]["userId"].as_i64().unwrap();
    let created = ws
        .cmd::<r::ApiCreateMyAddressResponse>(&format!("/_address {uid}"))
        .await;
    let link = created["connLinkContact"]["connFullLink"]
        .as_str()
        .unwrap()
        .to_owned();
    ws.cmd::<r::ApiSetAddressSettingsResponse>(&format!("/_auto_accept {uid} on"))
        .await;

    let mut bob = new_client(&relay, dir.path(), "bob", Arc::new(SystemClock)).await;
    bob.exec(&format!("/c {link}")).await;
    let connected = ws.event("contactConnected", |_| true).await;
    let contact_id = connected["contact"]["contactId"].as_i64().unwrap();
    bob.wait_connected("bot").await;
    bob.exec("@bot ping").await;
    ws.event("newChatItems", |e| {
        e["chatItems"][0]["chatItem"]["meta"]["itemText"] == "ping"
    })
    .await;
    ws.cmd::<r::ApiSendMessagesResponse>(&format!(
        r#"/_send @{contact_id} json [{{"msgContent":{{"type":"text","text":"pong"}}}}]"#
    ))
    .await;
    bob.wait_msg("bot", "pong").await;
}
