//! Agent events: handshakes (`x.info` / `x.contact` in connection info), contact
//! requests, received messages (`x.msg.new`, `x.msg.update`, `x.msg.del`,
//! `x.msg.react`, `x.info`, `x.direct.del`), delivery states and receipts; and the
//! loop deleting disappearing messages.

use std::sync::Arc;

use chat_proto::container::MsgReaction;
use chat_proto::event::ChatMsgEvent;
use chat_proto::parse::ParsedBody;
use chat_proto::profile::Profile;
use chat_proto::{ChatMessage, parse_chat_messages};
use simplex_agent::store::{ConnId, InternalId};
use simplex_agent::{AgentError, AgentEvent};
use simplex_ratchet::RatchetError;
use tokio::sync::mpsc;

use super::messages::peer_timed;
use super::{Inner, error_text};
use crate::error::{ChatError, Result};
use crate::output::ChatOutput;
use crate::store::{Contact, ItemStatus, User};

/// Takes agent events one at a time (under the engine lock) and reports the outputs.
pub(super) async fn event_loop(
    inner: Arc<Inner>,
    mut rx: mpsc::UnboundedReceiver<(i64, AgentEvent)>,
) {
    while let Some((user_id, ev)) = rx.recv().await {
        let _one = inner.lock.lock().await;
        let outs = match inner.handle_event(user_id, ev).await {
            Ok(o) => o,
            Err(e) => vec![ChatOutput::Error(error_text(&e))],
        };
        inner.emit_user_outputs(user_id, outs);
    }
}

/// Checks for disappearing messages every `expiry_interval`.
pub(super) async fn expiry_loop(inner: Arc<Inner>) {
    let mut tick = tokio::time::interval(inner.config.expiry_interval);
    loop {
        tick.tick().await;
        let _one = inner.lock.lock().await;
        match inner.expire_items() {
            Ok(outs) => outs.into_iter().for_each(|o| inner.emit(o)),
            Err(e) => inner.emit(ChatOutput::Error(error_text(&e))),
        }
    }
}

/// The profile in connection info: `x.info` or `x.contact`.
fn info_profile(info: &[u8]) -> Result<Profile> {
    match ChatMessage::from_json(info)?.event {
        ChatMsgEvent::Info(p) | ChatMsgEvent::Contact { profile: p, .. } => Ok(p),
        _ => Err(ChatError::Prohibited(
            "connection info without a profile".into(),
        )),
    }
}

impl Inner {
    /// Emits the outputs of something that happened for a user (wrapped in
    /// [`ChatOutput::ForUser`] when it is not the active one).
    pub(super) fn emit_user_outputs(&self, user_id: i64, outs: Vec<ChatOutput>) {
        let active = self.active_user().ok().map(|u| u.user_id);
        let name = self
            .store
            .user(user_id)
            .ok()
            .flatten()
            .map(|u| u.display_name);
        for o in outs {
            match (&name, active == Some(user_id)) {
                (Some(user), false) => self.emit(ChatOutput::ForUser {
                    user: user.clone(),
                    output: Box::new(o),
                }),
                _ => self.emit(o),
            }
        }
    }

    async fn handle_event(&self, user_id: i64, ev: AgentEvent) -> Result<Vec<ChatOutput>> {
        let user = self
            .store
            .user(user_id)?
            .ok_or_else(|| ChatError::NoUser(user_id.to_string()))?;
        if let Some(outs) = self.member_agent_event(&user, &ev).await? {
            return Ok(outs);
        }
        match ev {
            AgentEvent::Conf {
                conn_id,
                conf_id,
                info,
            } => {
                if let Some(outs) = self
                    .group_link_confirmation(&user, &conn_id, &conf_id, &info)
                    .await?
                {
                    return Ok(outs);
                }
                let profile = info_profile(&info)?;
                let Some(inc) = self.store.take_pending_conn(conn_id.as_str())? else {
                    return Ok(Vec::new());
                };
                let ours = inc.clone().unwrap_or_else(|| super::user_profile(&user));
                let reply = super::encode(None, ChatMsgEvent::Info(ours))?;
                self.agent(user_id)?
                    .allow(&conn_id, &conf_id, &reply)
                    .await?;
                self.new_contact(user_id, &profile, &conn_id, inc)?;
                Ok(Vec::new())
            }
            AgentEvent::Info { conn_id, info } => {
                let profile = info_profile(&info)?;
                if let Some(c) = self.store.contact_by_conn(conn_id.as_str())? {
                    self.store.set_contact_profile(c.contact_id, &profile)?;
                } else if let Some(inc) = self.store.take_pending_conn(conn_id.as_str())? {
                    self.new_contact(user_id, &profile, &conn_id, inc)?;
                }
                Ok(Vec::new())
            }
            AgentEvent::Con { conn_id } => {
                let Some(c) = self.store.contact_by_conn(conn_id.as_str())? else {
                    return Ok(Vec::new());
                };
                self.store.set_contact_ready(c.contact_id)?;
                let contact = self.store.contact(c.contact_id)?.ok_or(ChatError::NoItem)?;
                Ok(vec![ChatOutput::ContactConnected { contact }])
            }
            AgentEvent::Req {
                conn_id,
                inv_id,
                info,
            } => {
                if let Some(outs) = self
                    .group_link_request(&user, &conn_id, inv_id.as_str(), &info)
                    .await?
                {
                    return Ok(outs);
                }
                self.contact_request(&user, &conn_id, inv_id.as_str(), &info)
                    .await
            }
            AgentEvent::Msg {
                conn_id, id, body, ..
            } => self.received(&user, &conn_id, id, &body).await,
            AgentEvent::Sent { conn_id, id } => self.status(&conn_id, id, ItemStatus::SndSent),
            AgentEvent::Rcvd { conn_id, id, .. } => self.status(&conn_id, id, ItemStatus::SndRcvd),
            AgentEvent::MsgErr { conn_id, id, err } => {
                let out = self.status(&conn_id, id, ItemStatus::SndNew)?;
                let mut v = vec![ChatOutput::Error(format!(
                    "message could not be delivered: {err}"
                ))];
                v.extend(out);
                Ok(v)
            }
            AgentEvent::Error {
                err: AgentError::Ratchet(RatchetError::DuplicateMessage),
                ..
            } => {
                // a message delivered again after a restart; the reference ignores these
                // too (A_DUPLICATE)
                tracing::debug!("duplicate message ignored");
                Ok(Vec::new())
            }
            AgentEvent::Error { conn_id, err } => {
                tracing::warn!(?conn_id, %err, "agent error");
                Ok(vec![ChatOutput::Error(format!("agent error: {err}"))])
            }
            // events the chat does not act on yet (queue rotation and later additions)
            other => {
                tracing::debug!(?other, "agent event not handled");
                Ok(Vec::new())
            }
        }
    }

    fn new_contact(
        &self,
        user_id: i64,
        profile: &Profile,
        conn_id: &ConnId,
        incognito: Option<Profile>,
    ) -> Result<()> {
        self.store.add_contact(
            user_id,
            profile,
            conn_id.as_str(),
            incognito.as_ref(),
            self.now(),
        )?;
        Ok(())
    }

    async fn contact_request(
        &self,
        user: &User,
        conn_id: &ConnId,
        inv_id: &str,
        info: &[u8],
    ) -> Result<Vec<ChatOutput>> {
        if user.address_conn.as_deref() != Some(conn_id.as_str()) {
            tracing::info!("request to a deleted address ignored");
            return Ok(Vec::new());
        }
        let profile = info_profile(info)?;
        if user.auto_accept {
            let (c, inc) = self
                .accept(user, inv_id, &profile, user.auto_accept_incognito)
                .await?;
            return Ok(vec![ChatOutput::RequestAccepted {
                name: c.local_name,
                incognito: inc,
            }]);
        }
        let req = self
            .store
            .add_request(user.user_id, &profile, inv_id, self.now())?;
        Ok(vec![ChatOutput::ContactRequest {
            name: req.local_name,
            full_name: profile.full_name,
        }])
    }

    fn status(
        &self,
        conn_id: &ConnId,
        id: InternalId,
        status: ItemStatus,
    ) -> Result<Vec<ChatOutput>> {
        let Some(c) = self.store.contact_by_conn(conn_id.as_str())? else {
            return Ok(Vec::new());
        };
        let Some(item) = self.store.item_by_agent_id(c.contact_id, id.0)? else {
            return Ok(Vec::new());
        };
        if item.status == ItemStatus::SndRcvd {
            return Ok(Vec::new());
        }
        self.store.set_item_status(item.item_id, status)?;
        let item = self.store.item(item.item_id)?.ok_or(ChatError::NoItem)?;
        Ok(vec![ChatOutput::ItemStatus {
            contact: c.local_name,
            item,
        }])
    }

    async fn received(
        &self,
        user: &User,
        conn_id: &ConnId,
        id: InternalId,
        body: &[u8],
    ) -> Result<Vec<ChatOutput>> {
        let agent = self.agent(user.user_id)?;
        let Some(c) = self.store.contact_by_conn(conn_id.as_str())? else {
            agent.ack(conn_id, id, None).await?;
            return Ok(Vec::new());
        };
        let mut outs = Vec::new();
        let (mut receipt, mut deleted) = (false, false);
        for parsed in parse_chat_messages(body) {
            let msg = match parsed {
                Ok(p) => match p.body {
                    ParsedBody::Json(m) => m,
                    ParsedBody::FileChunk(_) => continue,
                },
                Err(e) => {
                    outs.push(ChatOutput::Error(format!(
                        "{}: bad message: {e}",
                        c.local_name
                    )));
                    continue;
                }
            };
            receipt |= matches!(msg.event, ChatMsgEvent::MsgNew(_));
            deleted |= matches!(msg.event, ChatMsgEvent::DirectDel);
            // a refused message is reported and still acknowledged (as the reference's
            // withAckMessage), so one bad message cannot jam the connection
            match self.chat_event(&c, *msg) {
                Ok(o) => outs.extend(o),
                Err(e) => outs.push(ChatOutput::Error(super::error_text(&e))),
            }
        }
        let info: &[u8] = b"";
        agent.ack(conn_id, id, receipt.then_some(info)).await?;
        if deleted {
            // the contact deleted us: the connection's queues go too
            self.delete_agent_conns(user.user_id, [c.conn_id.clone()], false)
                .await;
        }
        Ok(outs)
    }

    fn chat_event(&self, c: &Contact, msg: ChatMessage) -> Result<Vec<ChatOutput>> {
        let name = c.local_name.clone();
        let now = self.now();
        match msg.event {
            ChatMsgEvent::MsgFileDescr {
                msg_id, file_descr, ..
            } => self.rcv_file_descr(c.user_id, (Some(c.contact_id), None), &msg_id, &file_descr),
            ChatMsgEvent::FileCancel { msg_id } => {
                self.rcv_file_cancel(c.user_id, (Some(c.contact_id), None), &msg_id)
            }
            ChatMsgEvent::MsgNew(container) => {
                let from = super::files::RcvFrom {
                    contact_id: Some(c.contact_id),
                    group_id: None,
                    name: &name,
                };
                let file = self.rcv_file_offer(c.user_id, from, msg.msg_id.as_ref(), &container)?;
                if container.file.is_some() && file.is_none() {
                    return Ok(Vec::new());
                }
                let shared = msg.msg_id.as_ref().map(|m| m.0.as_slice());
                let file_id = file.as_ref().map(|f| f.file_id);
                let item = self.add_rcv_contact_item(c, shared, &container, file_id, now)?;
                let mut outs = vec![ChatOutput::NewItem {
                    contact: name,
                    item,
                }];
                outs.extend(self.offered_file_accepted(file.as_ref())?);
                Ok(outs)
            }
            ChatMsgEvent::MsgUpdate {
                msg_id, content, ..
            } => {
                let Some(item) = self.store.item_by_shared_id(c.contact_id, &msg_id.0)? else {
                    return Ok(Vec::new());
                };
                if item.sent {
                    return Ok(Vec::new());
                }
                self.store.edit_item(item.item_id, &content, now)?;
                let item = self.store.item(item.item_id)?.ok_or(ChatError::NoItem)?;
                Ok(vec![ChatOutput::ItemUpdated {
                    contact: name,
                    item,
                }])
            }
            ChatMsgEvent::MsgDel { msg_id, .. } => {
                let Some(item) = self.store.item_by_shared_id(c.contact_id, &msg_id.0)? else {
                    return Ok(Vec::new());
                };
                if item.sent {
                    return Ok(Vec::new());
                }
                self.store.mark_item_deleted(item.item_id, now)?;
                Ok(vec![ChatOutput::ItemDeleted {
                    contact: name,
                    item,
                    by_sender: true,
                }])
            }
            ChatMsgEvent::MsgReact {
                msg_id,
                reaction: MsgReaction::Emoji(e),
                add,
                ..
            } => {
                let Some(item) = self.store.item_by_shared_id(c.contact_id, &msg_id.0)? else {
                    return Ok(Vec::new());
                };
                let emoji = e.to_string();
                self.store.set_reaction(item.item_id, false, &emoji, add)?;
                let item = self.store.item(item.item_id)?.ok_or(ChatError::NoItem)?;
                Ok(vec![ChatOutput::Reaction {
                    contact: name,
                    item,
                    sent: false,
                    added: add,
                    emoji,
                }])
            }
            ChatMsgEvent::Info(profile) => {
                let before = peer_timed(c);
                self.store.set_contact_profile(c.contact_id, &profile)?;
                let c = self.store.contact(c.contact_id)?.ok_or(ChatError::NoItem)?;
                let after = peer_timed(&c);
                if before == after {
                    return Ok(Vec::new());
                }
                Ok(vec![ChatOutput::Disappearing {
                    contact: name,
                    by_user: false,
                    user_allows: c.timed_allow,
                    contact_allows: after.0,
                    ttl: super::messages::chat_ttl(&c).or(after.1).or(c.timed_ttl),
                }])
            }
            ChatMsgEvent::GrpInv(inv) => self.group_invitation(c, inv),
            ChatMsgEvent::DirectDel => {
                self.store.delete_contact(c.contact_id)?;
                Ok(vec![ChatOutput::ContactDeletedByContact(name)])
            }
            _ => Ok(Vec::new()),
        }
    }
}
