//! A bot-API WebSocket client for tests: every frame it receives is checked against
//! the strict types of the third-party bot library `simploxide-api-types`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use simploxide_api_types as sx;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const WAIT: Duration = Duration::from_secs(30);

/// Reads `v` as simploxide's `T`; fails when it is rejected, when a part of it lands in
/// simploxide's catch-alls, or when simploxide writes it back differently.
pub fn strict<T: DeserializeOwned + Serialize + std::fmt::Debug>(v: &Value) -> T {
    let parsed: T = serde_json::from_value(v.clone())
        .unwrap_or_else(|e| panic!("simploxide-api-types rejects {v:#}: {e}"));
    let text = format!("{parsed:?}");
    // The docs type the merged `timedMessages` preference without its `ttl`, which the
    // reference writes: that one leftover field is allowed.
    let leftovers = text
        .match_indices("undocumented: Object {\"")
        .filter(|(at, _)| !text[*at..].starts_with("undocumented: Object {\"ttl\""))
        .count();
    assert!(
        !text.contains("Undocumented(") && leftovers == 0,
        "simploxide-api-types does not know all of {v:#}"
    );
    assert_eq!(
        &serde_json::to_value(&parsed).unwrap(),
        v,
        "re-encoded differently"
    );
    parsed
}

/// A WebSocket client of the bot API.
pub struct Ws {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next: u64,
    /// Events received while waiting for something else.
    pending: VecDeque<Value>,
}

impl Ws {
    pub async fn connect(url: &str) -> Ws {
        let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Ws {
            ws,
            next: 1,
            pending: VecDeque::new(),
        }
    }

    pub async fn send_raw(&mut self, m: Message) {
        self.ws.send(m).await.unwrap();
    }

    /// The next frame as JSON (events are checked as simploxide events).
    pub async fn frame(&mut self) -> Value {
        loop {
            let m = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("timed out waiting for a frame")
                .expect("connection closed")
                .unwrap();
            let text = match m {
                Message::Text(t) => t.as_str().to_owned(),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            };
            let v: Value = serde_json::from_str(&text).unwrap();
            if v.get("corrId").is_none() && v["resp"]["type"] != "chatCmdError" {
                strict::<sx::events::Event>(&v["resp"]);
            }
            return v;
        }
    }

    /// Sends a command and returns the reply's `resp` (events before it are kept).
    pub async fn cmd_raw(&mut self, cmd: &str) -> Value {
        let corr = self.next.to_string();
        self.next += 1;
        let req = json!({"corrId": corr, "cmd": cmd}).to_string();
        self.ws.send(Message::text(req)).await.unwrap();
        loop {
            let v = self.frame().await;
            match v.get("corrId") {
                Some(c) if c == &Value::String(corr.clone()) => return v["resp"].clone(),
                Some(c) => panic!("reply to another request {c}"),
                None => self.pending.push_back(v["resp"].clone()),
            }
        }
    }

    /// Sends a command; its reply must be simploxide's response `T` of that command.
    pub async fn cmd<T: DeserializeOwned + Serialize + std::fmt::Debug>(
        &mut self,
        cmd: &str,
    ) -> Value {
        let resp = self.cmd_raw(cmd).await;
        assert_ne!(resp["type"], "chatCmdError", "{cmd}: {resp:#}");
        strict::<T>(&resp);
        resp
    }

    /// Sends a command that must fail; returns its `chatError`.
    pub async fn cmd_err(&mut self, cmd: &str) -> Value {
        let resp = self.cmd_raw(cmd).await;
        strict::<sx::responses::ChatCmdError>(&resp);
        resp["chatError"].clone()
    }

    /// Waits for an event of type `ty` for which `f` holds, skipping others.
    pub async fn event(&mut self, ty: &str, f: impl Fn(&Value) -> bool) -> Value {
        while let Some(e) = self.pending.pop_front() {
            if e["type"] == ty && f(&e) {
                return e;
            }
        }
        loop {
            let v = self.frame().await;
            assert!(v.get("corrId").is_none(), "unexpected reply {v:#}");
            if v["resp"]["type"] == ty && f(&v["resp"]) {
                return v["resp"].clone();
            }
        }
    }
}

/// The text of an `AChatItem`'s message content.
pub fn text_of(item: &Value) -> &str {
    item["chatItem"]["content"]["msgContent"]["text"]
        .as_str()
        .unwrap_or_default()
}

/// A bot engine behind a WebSocket server on loopback: its API, the server (to run
/// with the engine's events) and the URL to connect to.
pub async fn serve(
    chat: simplex_chat::Chat,
) -> (
    simplex_chat::botapi::BotApi,
    simplex_chat::botapi::BotServer,
    String,
) {
    let api = simplex_chat::botapi::BotApi::new(std::sync::Arc::new(chat));
    let server =
        simplex_chat::botapi::BotServer::start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
    let url = format!("ws://{}", server.local_addr());
    (api, server, url)
}

impl Ws {
    /// The active user's id (`/user`).
    pub async fn user_id(&mut self) -> i64 {
        let user = self
            .cmd::<sx::responses::ShowActiveUserResponse>("/user")
            .await;
        user["user"]["userId"].as_i64().unwrap()
    }
}

/// A bot engine served on loopback, its engine kept for direct calls.
pub struct Served {
    /// The engine.
    pub chat: std::sync::Arc<simplex_chat::Chat>,
    /// The WebSocket URL.
    pub url: String,
    api: simplex_chat::botapi::BotApi,
    server: simplex_chat::botapi::BotServer,
    events: tokio::sync::mpsc::UnboundedReceiver<simplex_chat::ChatOutput>,
}

/// Serves an engine (with its event channel) as a bot on loopback.
pub async fn serve_engine(
    chat: simplex_chat::Chat,
    events: tokio::sync::mpsc::UnboundedReceiver<simplex_chat::ChatOutput>,
) -> Served {
    let chat = std::sync::Arc::new(chat);
    let api = simplex_chat::botapi::BotApi::new(chat.clone());
    let server =
        simplex_chat::botapi::BotServer::start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
    let url = format!("ws://{}", server.local_addr());
    Served {
        chat,
        url,
        api,
        server,
        events,
    }
}

/// Runs `scenario` while both bots serve; an engine that stops fails the test.
pub async fn run_both(
    a: &mut Served,
    b: &mut Served,
    scenario: impl std::future::Future<Output = ()>,
) {
    tokio::select! {
        () = a.server.run(&a.api, &mut a.events, |_| {}) => panic!("the first bot's engine stopped"),
        () = b.server.run(&b.api, &mut b.events, |_| {}) => panic!("the second bot's engine stopped"),
        () = scenario => {}
    }
}

impl Served {
    /// The API, the server and the engine's events, to run the server with
    /// `server.run(api, events, ..)` beside a scenario.
    pub fn parts(
        &mut self,
    ) -> (
        &simplex_chat::botapi::BotApi,
        &mut simplex_chat::botapi::BotServer,
        &mut tokio::sync::mpsc::UnboundedReceiver<simplex_chat::ChatOutput>,
    ) {
        (&self.api, &mut self.server, &mut self.events)
    }

    /// The engine and the URL, for a scenario run by [`run_both`].
    pub fn handles(&self) -> (std::sync::Arc<simplex_chat::Chat>, String) {
        (self.chat.clone(), self.url.clone())
    }
}

/// Two connected users, `alice` and `bob` (with the file relay `xftp` when given).
pub async fn two_clients(
    relay: &crate::common::Relay,
    dir: &std::path::Path,
    xftp: Option<&str>,
) -> (crate::common::Client, crate::common::Client) {
    use crate::common::{connect, new_client};
    let clock = std::sync::Arc::new(simplex_chat::clock::SystemClock);
    let mut alice = new_client(relay, dir, "alice", clock.clone()).await;
    let mut bob = new_client(relay, dir, "bob", clock).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    if let Some(uri) = xftp {
        for c in [&alice, &bob] {
            c.exec(&format!("/xftp {uri}")).await;
        }
    }
    (alice, bob)
}

/// [`two_clients`], each served as a bot.
pub async fn two_bots(
    relay: &crate::common::Relay,
    dir: &std::path::Path,
    xftp: Option<&str>,
) -> (Served, Served) {
    let (alice, bob) = two_clients(relay, dir, xftp).await;
    (
        serve_engine(alice.chat, alice.events).await,
        serve_engine(bob.chat, bob.events).await,
    )
}

impl Ws {
    /// Creates the user's address with auto-accept on; returns its link (short when
    /// there is one).
    pub async fn auto_accept_address(&mut self, uid: i64) -> String {
        let created = self
            .cmd::<sx::responses::ApiCreateMyAddressResponse>(&format!("/_address {uid}"))
            .await;
        let links = &created["connLinkContact"];
        let link = links["connShortLink"]
            .as_str()
            .or(links["connFullLink"].as_str())
            .unwrap()
            .to_owned();
        self.cmd::<sx::responses::ApiSetAddressSettingsResponse>(&format!(
            "/_auto_accept {uid} on"
        ))
        .await;
        link
    }
}

/// Runs a test scenario on a thread with a 64 MiB stack: simploxide's generated enums
/// are large, and in debug builds checking some frames with them overflows the 2 MiB
/// test-thread stack (chat-api's simploxide_compat tests do the same).
pub fn on_big_stack(scenario: impl std::future::Future<Output = ()> + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap()
                .block_on(scenario);
        })
        .unwrap()
        .join()
        .unwrap();
}

/// `c` (named `name`) connects to the bot's address `link`, is invited to the bot's
/// `#team` and joins.
pub async fn join_bots_group(ws: &mut Ws, c: &mut crate::common::Client, name: &str, link: &str) {
    use crate::common::groups::wait_group;
    use simplex_chat::groups_output::GroupOutput;
    c.exec(&format!("/c {link}")).await;
    ws.event("contactConnected", |e| {
        e["contact"]["localDisplayName"] == name
    })
    .await;
    c.wait_connected("bot").await;
    ws.cmd_raw(&format!("/a team {name}")).await;
    wait_group(c, "invitation", |g| {
        matches!(g, GroupOutput::Invited { .. }).then_some(())
    })
    .await;
    c.exec("/j #team").await;
    ws.event("joinedGroupMember", |e| {
        e["member"]["localDisplayName"] == name
    })
    .await;
    wait_group(c, "joined", |g| {
        matches!(g, GroupOutput::Joined(_)).then_some(())
    })
    .await;
}
