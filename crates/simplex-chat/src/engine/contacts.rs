//! Contacts: invitations, joining links, the contact address and its requests,
//! incognito profiles, deletion.

use chat_proto::event::ChatMsgEvent;
use chat_proto::ids::XContactId;
use chat_proto::profile::Profile;
use simplex_agent::store::{ConnId, InvitationId};

use super::{Inner, encode, user_profile};
use crate::error::{ChatError, Result};
use crate::output::ChatOutput;
use crate::profiles::{random_bytes, random_profile};
use crate::store::{Contact, User};

/// Whether a link is a contact address (else a one-time invitation).
pub(super) fn is_address_link(link: &str) -> bool {
    link.contains("simplex:/contact") || link.contains("/contact#") || link.contains("/a#")
}

impl Inner {
    /// The profile to use on a new connection: random when incognito.
    fn connection_profile(
        &self,
        user: &User,
        incognito: bool,
    ) -> Result<(Profile, Option<Profile>)> {
        if incognito || user.incognito {
            let p = random_profile()?;
            Ok((p.clone(), Some(p)))
        } else {
            Ok((user_profile(user), None))
        }
    }

    pub(super) async fn add_contact(&self, incognito: bool) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        let agent = self.agent(user.user_id)?;
        let (_, inc) = self.connection_profile(&user, incognito)?;
        let (conn, link, short_link) = match agent.create_invitation_link(b"").await {
            Ok((conn, links)) => (conn, links.full, Some(links.short)),
            Err(e) => {
                tracing::info!(%e, "no short link, making a full invitation link");
                let (conn, link) = agent.create_invitation().await?;
                (conn, link, None)
            }
        };
        self.store
            .add_pending_conn(user.user_id, conn.as_str(), inc.as_ref(), self.now())?;
        Ok(vec![ChatOutput::Invitation {
            link,
            short_link,
            incognito: inc.map(|p| p.display_name),
        }])
    }

    pub(super) async fn connect(&self, incognito: bool, link: &str) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        let agent = self.agent(user.user_id)?;
        let (profile, inc) = self.connection_profile(&user, incognito)?;
        let via_address = is_address_link(link);
        let event = if via_address {
            ChatMsgEvent::Contact {
                profile,
                contact_req_id: Some(XContactId(random_bytes::<16>()?.to_vec())),
                welcome_msg_id: None,
                request_msg: None,
            }
        } else {
            ChatMsgEvent::Info(profile)
        };
        let conn = agent.join(link, &encode(None, event)?).await?;
        self.store
            .add_pending_conn(user.user_id, conn.as_str(), inc.as_ref(), self.now())?;
        Ok(vec![ChatOutput::ConnectionSent {
            via_address,
            incognito: inc.map(|p| p.display_name),
        }])
    }

    pub(super) async fn create_address(&self) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        if user.address_conn.is_some() {
            return Err(ChatError::AddressExists);
        }
        let (conn, link, short) = self.new_contact_address(user.user_id).await?;
        self.store.set_address(
            user.user_id,
            Some(conn.as_str()),
            Some(&link),
            short.as_deref(),
        )?;
        Ok(vec![ChatOutput::Address {
            created: true,
            link,
            short_link: short,
        }])
    }

    /// A new contact address (of the user, or of a group): its connection, full link and
    /// short link (none when the relay could not make one).
    pub(super) async fn new_contact_address(
        &self,
        user_id: i64,
    ) -> Result<(ConnId, String, Option<String>)> {
        let agent = self.agent(user_id)?;
        match agent.create_contact_address_link(b"").await {
            Ok((conn, links)) => Ok((conn, links.full, Some(links.short))),
            Err(e) => {
                tracing::info!(%e, "no short link, making a full address link");
                let (conn, link) = agent.create_contact_address().await?;
                Ok((conn, link, None))
            }
        }
    }

    pub(super) fn show_address(&self) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        let link = user.address_link.ok_or(ChatError::NoAddress)?;
        Ok(vec![ChatOutput::Address {
            created: false,
            link,
            short_link: user.address_short_link,
        }])
    }

    /// Deletes the address: its queue (and short-link data) on the relay, through the
    /// agent, and the address locally.
    pub(super) async fn delete_address(&self) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        let Some(conn) = user.address_conn else {
            return Err(ChatError::NoAddress);
        };
        self.store.set_address(user.user_id, None, None, None)?;
        self.delete_agent_conns(user.user_id, [conn], false).await;
        Ok(vec![ChatOutput::AddressDeleted])
    }

    /// Deletes agent connections, their queues on the relays included, in the
    /// background (the reference's `deleteAgentConnectionsAsync`); with `wait_delivery`
    /// the messages already sent on them are delivered first. Best effort: a failure is
    /// logged, the chat's own records are deleted regardless.
    pub(super) async fn delete_agent_conns(
        &self,
        user_id: i64,
        conns: impl IntoIterator<Item = String>,
        wait_delivery: bool,
    ) {
        let ids: Vec<ConnId> = conns.into_iter().map(ConnId::from).collect();
        if ids.is_empty() {
            return;
        }
        let r = match self.agent(user_id) {
            Ok(agent) => agent.delete_connections_async(&ids, wait_delivery).await,
            Err(e) => {
                tracing::warn!(%e, "connections not deleted on the relays");
                return;
            }
        };
        if let Err(e) = r {
            tracing::warn!(%e, "connections not deleted on the relays");
        }
    }

    /// Accepts a stored contact request or one arriving with auto-accept on.
    pub(super) async fn accept(
        &self,
        user: &User,
        inv_id: &str,
        profile: &Profile,
        incognito: bool,
    ) -> Result<(Contact, Option<String>)> {
        let agent = self.agent(user.user_id)?;
        let (ours, inc) = self.connection_profile(user, incognito)?;
        let info = encode(None, ChatMsgEvent::Info(ours))?;
        let conn = agent
            .accept_contact(&InvitationId::from(inv_id), &info)
            .await?;
        let contact = self.store.add_contact(
            user.user_id,
            profile,
            conn.as_str(),
            inc.as_ref(),
            self.now(),
        )?;
        Ok((contact, inc.map(|p| p.display_name)))
    }

    pub(super) async fn accept_request(
        &self,
        incognito: bool,
        name: &str,
    ) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        let req = self
            .store
            .request_by_name(user.user_id, name)?
            .ok_or_else(|| ChatError::NoRequest(name.to_owned()))?;
        // the request's name is freed first so that the contact can take it
        self.store.delete_request(req.request_id)?;
        let (contact, inc) = self
            .accept(&user, &req.inv_id, &req.profile, incognito)
            .await?;
        Ok(vec![ChatOutput::RequestAccepted {
            name: contact.local_name,
            incognito: inc,
        }])
    }

    pub(super) async fn reject_request(&self, name: &str) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        let req = self
            .store
            .request_by_name(user.user_id, name)?
            .ok_or_else(|| ChatError::NoRequest(name.to_owned()))?;
        self.agent(user.user_id)?
            .reject_contact(&InvitationId::from(req.inv_id.as_str()))
            .await?;
        self.store.delete_request(req.request_id)?;
        Ok(vec![ChatOutput::RequestRejected(req.local_name)])
    }

    /// The active user's contact by name.
    pub(super) fn contact_named(&self, name: &str) -> Result<(User, Contact)> {
        let user = self.active_user()?;
        let c = self
            .store
            .contact_by_name(user.user_id, name)?
            .ok_or_else(|| ChatError::NoContact(name.to_owned()))?;
        Ok((user, c))
    }

    /// Tells the contact (`x.direct.del`, best effort), deletes the connection through
    /// the agent once that message is delivered, and the contact and its history.
    pub(super) async fn delete_contact(&self, name: &str) -> Result<Vec<ChatOutput>> {
        let (user, c) = self.contact_named(name)?;
        if c.ready
            && let Err(e) = self
                .send_event(user.user_id, &c.conn_id, None, ChatMsgEvent::DirectDel)
                .await
        {
            tracing::warn!(%e, "x.direct.del not sent");
        }
        self.store.delete_contact(c.contact_id)?;
        self.delete_agent_conns(user.user_id, [c.conn_id], true)
            .await;
        Ok(vec![ChatOutput::ContactDeleted(c.local_name)])
    }

    /// Our profile as this contact sees it (incognito or main, with our preferences).
    pub(super) fn profile_for(&self, user: &User, c: &Contact) -> Profile {
        let mut p = c.incognito.clone().unwrap_or_else(|| user_profile(user));
        let allow = if c.timed_allow {
            chat_proto::prefs::FeatureAllowed::Yes
        } else {
            chat_proto::prefs::FeatureAllowed::No
        };
        p.preferences = Some(chat_proto::prefs::Preferences {
            timed_messages: Some(chat_proto::prefs::TimedMessagesPreference {
                allow,
                ttl: c.timed_ttl,
            }),
            ..Default::default()
        });
        p
    }
}
