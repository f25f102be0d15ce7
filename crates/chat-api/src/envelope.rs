//! The WebSocket message envelopes: requests `{"corrId","cmd"}`, replies
//! `{"corrId","resp"}` and events `{"resp"}` (no `corrId`).
//!
//! A failed command is answered with `resp` = `{"type":"chatCmdError","chatError":…}`;
//! an error outside any command is sent as the event `{"type":"chatError",…}`.

use crate::error::ChatApiError;
use crate::errors::ChatError;
use crate::event::ChatEvent;
use crate::response::ChatResponse;
use serde::{Deserialize, Serialize};

/// A request from a client (`ChatSrvRequest`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSrvRequest {
    /// The client's correlation id, echoed in the reply.
    pub corr_id: String,
    /// The command text.
    pub cmd: String,
}

impl ChatSrvRequest {
    /// Reads one request from a WebSocket text message.
    pub fn parse(text: &str) -> Result<Self, ChatApiError> {
        Ok(serde_json::from_str(text)?)
    }
}

/// A message to a client: a reply (with `corrId`) or an event (without)
/// (`ChatSrvResponse`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSrvResponse<R> {
    /// The request's correlation id; absent for events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corr_id: Option<String>,
    /// The response or event.
    pub resp: R,
}

impl ChatSrvResponse<ChatResponse> {
    /// The reply to the request with `corr_id`; an error becomes `chatCmdError`.
    pub fn reply(corr_id: &str, result: Result<ChatResponse, ChatError>) -> Self {
        let resp = result.unwrap_or_else(|chat_error| ChatResponse::ChatCmdError { chat_error });
        ChatSrvResponse {
            corr_id: Some(corr_id.to_owned()),
            resp,
        }
    }
}

impl ChatSrvResponse<ChatEvent> {
    /// An event; an error becomes the `chatError` event.
    pub fn event(event: Result<ChatEvent, ChatError>) -> Self {
        let resp = event.unwrap_or_else(|chat_error| ChatEvent::ChatError { chat_error });
        ChatSrvResponse {
            corr_id: None,
            resp,
        }
    }
}

impl<R: Serialize> ChatSrvResponse<R> {
    /// The JSON text sent on the WebSocket.
    pub fn to_json(&self) -> Result<String, ChatApiError> {
        Ok(serde_json::to_string(self)?)
    }
}
