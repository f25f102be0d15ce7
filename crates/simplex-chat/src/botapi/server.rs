//! [`BotServer`]: the WebSocket server of the bot API (the reference's `Server.hs`).
//!
//! Each text frame from a client is one `{"corrId","cmd"}` request. The server only
//! does the WebSocket side: requests come out of [`BotServer::next_request`] and the
//! engine's owner answers them with [`BotRequest::answer`] (commands run one at a time,
//! in arrival order), on its own task: the engine's command futures are not `Send`.
//! A frame that is not a request is answered with a `chatCmdError` without `corrId`.
//! Events go to every connected client as `{"resp"}` ([`BotServer::publish`]).

use std::net::SocketAddr;
use std::sync::Arc;

use chat_api::errors::{ChatError as ApiChatError, ChatErrorType};
use chat_api::{ChatResponse, ChatSrvRequest, ChatSrvResponse};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc};
use tokio::task::AbortHandle;
use tokio_tungstenite::tungstenite::Message;

use super::api::BotApi;
use crate::output::ChatOutput;

/// One command from a client, to be answered with [`BotRequest::answer`].
#[derive(Debug)]
pub struct BotRequest {
    /// The client's correlation id.
    pub corr_id: String,
    /// The command text.
    pub cmd: String,
    reply: mpsc::UnboundedSender<String>,
}

impl BotRequest {
    /// Runs the command and sends `{"corrId","resp"}` to the client that asked (a
    /// client that has gone is ignored).
    pub async fn answer(self, api: &BotApi) {
        let resp = api.execute(&self.cmd).await;
        let reply = ChatSrvResponse {
            corr_id: Some(self.corr_id),
            resp,
        };
        match reply.to_json() {
            Ok(json) => {
                let _ = self.reply.send(json);
            }
            Err(e) => tracing::warn!(%e, "bot API reply not encoded"),
        }
    }
}

/// How many events a slow client may fall behind before it misses some.
const EVENT_BUFFER: usize = 4096;

/// A running bot API server; dropping it stops accepting clients and ends the
/// connections.
#[derive(Debug)]
pub struct BotServer {
    addr: SocketAddr,
    events: broadcast::Sender<Arc<str>>,
    requests: mpsc::UnboundedReceiver<BotRequest>,
    accept: AbortHandle,
}

impl Drop for BotServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl BotServer {
    /// Listens on `addr` (use port 0 for any free port).
    pub async fn start(addr: SocketAddr) -> std::io::Result<BotServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let (req_tx, requests) = mpsc::unbounded_channel();
        let accept = tokio::spawn(accept_loop(listener, req_tx, events.clone()));
        Ok(BotServer {
            addr,
            events,
            requests,
            accept: accept.abort_handle(),
        })
    }

    /// The next command from any client (`None` once the server stopped).
    pub async fn next_request(&mut self) -> Option<BotRequest> {
        self.requests.recv().await
    }

    /// Serves the bot API of `api` until the engine's output channel closes: answers
    /// requests and publishes events (each event also goes to `also`, e.g. a terminal).
    pub async fn run(
        &mut self,
        api: &BotApi,
        events: &mut mpsc::UnboundedReceiver<ChatOutput>,
        mut also: impl FnMut(&ChatOutput),
    ) {
        loop {
            tokio::select! {
                req = self.requests.recv() => match req {
                    Some(req) => req.answer(api).await,
                    None => return,
                },
                ev = events.recv() => match ev {
                    Some(out) => {
                        self.publish(api, &out);
                        also(&out);
                    }
                    None => return,
                },
            }
        }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Sends the event of an engine output to every connected client; returns whether
    /// the output is an event bots see.
    pub fn publish(&self, api: &BotApi, out: &ChatOutput) -> bool {
        match api.event_json(out) {
            Some(json) => {
                // no client connected: the event is dropped, as in the reference
                let _ = self.events.send(json.into());
                true
            }
            None => false,
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    requests: mpsc::UnboundedSender<BotRequest>,
    events: broadcast::Sender<Arc<str>>,
) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tracing::info!(%peer, "bot API client connected");
                let rx = events.subscribe();
                let requests = requests.clone();
                tokio::spawn(async move {
                    if let Err(e) = serve_client(requests, stream, rx).await {
                        tracing::info!(%peer, %e, "bot API client ended");
                    }
                });
            }
            Err(e) => {
                tracing::warn!(%e, "bot API accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

/// The reply to a frame that is not a request (the reference's "invalid request").
fn invalid_request() -> String {
    let resp = ChatResponse::ChatCmdError {
        chat_error: ApiChatError::chat(ChatErrorType::CommandError {
            message: "invalid request".into(),
        }),
    };
    ChatSrvResponse {
        corr_id: None,
        resp,
    }
    .to_json()
    .unwrap_or_default()
}

async fn serve_client(
    requests: mpsc::UnboundedSender<BotRequest>,
    stream: TcpStream,
    mut events: broadcast::Receiver<Arc<str>>,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let ws = tokio_tungstenite::accept_async(stream).await?;
    let (mut sink, mut frames) = ws.split();
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<String>();
    loop {
        tokio::select! {
            frame = frames.next() => {
                let text = match frame {
                    None | Some(Ok(Message::Close(_))) => return Ok(()),
                    Some(Err(e)) => return Err(e),
                    Some(Ok(Message::Text(t))) => Some(t.as_str().to_owned()),
                    Some(Ok(Message::Binary(b))) => String::from_utf8(b.to_vec()).ok(),
                    // pings are answered by the library; pongs and raw frames carry nothing
                    Some(Ok(_)) => continue,
                };
                match text.as_deref().map(ChatSrvRequest::parse) {
                    Some(Ok(ChatSrvRequest { corr_id, cmd })) => {
                        let req = BotRequest { corr_id, cmd, reply: out_tx.clone() };
                        if requests.send(req).is_err() {
                            return Ok(());
                        }
                    }
                    _ => {
                        let _ = out_tx.send(invalid_request());
                    }
                }
            }
            Some(json) = out_rx.recv() => sink.send(Message::text(json)).await?,
            ev = events.recv() => match ev {
                Ok(json) => sink.send(Message::text(json.as_ref())).await?,
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "bot API client too slow, events dropped");
                }
                // the server stopped
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
        }
    }
}
