//! Typed SMP commands: one method per command, each checking the response it expects.

use simplex_crypto::keys::{PrivateAuthKey, PublicAuthKey, X25519Public};
use simplex_encoding::{Version, VersionRange};
use smp_proto::address::{BasicAuth, SmpServer};
use smp_proto::command::{MsgFlags, NewQueueReq, QueueLinkData, QueueReqData, SubMode};
use smp_proto::handshake::CertChainPubKey;
use smp_proto::response::QueueIds;
use smp_proto::{BrokerMsg, Command, CorrId, EntityId, MsgId};

use crate::client::{ClientCommand, SmpClient};
use crate::error::{ClientError, Result};

/// A received message: the relay's message id and the body encrypted to the recipient
/// (open it with [`crate::open_message`]).
pub type ReceivedMsg = (MsgId, Vec<u8>);

impl SmpClient {
    /// The error for a response that does not fit the command.
    pub(crate) fn unexpected(&self, r: &BrokerMsg) -> ClientError {
        ClientError::UnexpectedResponse(r.tag(self.version()).to_owned())
    }

    async fn expect_ok(
        &self,
        entity: &EntityId,
        key: Option<&PrivateAuthKey>,
        cmd: Command,
    ) -> Result<()> {
        match self.send_command(None, entity, key, cmd).await? {
            BrokerMsg::Ok => Ok(()),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `SOK`/`OK` answer of `SUB`/`NSUB`: the service id, if any.
    fn sub_result(&self, r: Result<BrokerMsg>) -> Result<Option<EntityId>> {
        match r? {
            BrokerMsg::Sok(service_id) => Ok(service_id),
            BrokerMsg::Ok => Ok(None),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `MSG` or `OK` answer of `GET`/`ACK`.
    fn msg_result(&self, r: BrokerMsg) -> Result<Option<ReceivedMsg>> {
        match r {
            BrokerMsg::Msg(id, body) => Ok(Some((id, body))),
            BrokerMsg::Ok => Ok(None),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `NEW`: creates a queue authorized by `rcv_auth` (its public key goes to the relay);
    /// `rcv_dh` is the recipient's key for decrypting delivered messages. `ntf_creds` (v17+)
    /// is the notifier key and the recipient's notification DH key.
    pub async fn create_queue(
        &self,
        rcv_auth: &PrivateAuthKey,
        rcv_dh: &X25519Public,
        auth: Option<BasicAuth>,
        sub_mode: SubMode,
        queue_req_data: Option<QueueReqData>,
        ntf_creds: Option<(PublicAuthKey, X25519Public)>,
    ) -> Result<QueueIds> {
        let req = NewQueueReq {
            rcv_auth_key: rcv_auth.public(),
            rcv_dh_key: rcv_dh.clone(),
            auth,
            sub_mode,
            queue_req_data,
            ntf_creds,
        };
        let cmd = Command::New(Box::new(req));
        match self
            .send_command(None, &EntityId::empty(), Some(rcv_auth), cmd)
            .await?
        {
            BrokerMsg::Ids(ids) => Ok(*ids),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `SUB`: subscribes to a queue. Returns the service id of `SOK` (`None` for plain
    /// clients and before v16). A pending message arrives as an event.
    pub async fn subscribe(
        &self,
        rcv_id: &EntityId,
        key: &PrivateAuthKey,
    ) -> Result<Option<EntityId>> {
        let r = self
            .send_command(None, rcv_id, Some(key), Command::Sub)
            .await;
        self.sub_result(r)
    }

    /// `SUB` for many queues at once (they share blocks); results in the same order.
    pub async fn subscribe_many(
        &self,
        queues: &[(EntityId, &PrivateAuthKey)],
    ) -> Vec<Result<Option<EntityId>>> {
        let cmds = queues
            .iter()
            .map(|(id, key)| ClientCommand {
                corr_id: None,
                entity: id.clone(),
                key: Some(*key),
                command: Command::Sub,
            })
            .collect();
        let results = self.send_commands(cmds).await;
        results.into_iter().map(|r| self.sub_result(r)).collect()
    }

    /// `GET`: takes the next message without subscribing (`None` when the queue is empty).
    pub async fn get_message(
        &self,
        rcv_id: &EntityId,
        key: &PrivateAuthKey,
    ) -> Result<Option<ReceivedMsg>> {
        let r = self
            .send_command(None, rcv_id, Some(key), Command::Get)
            .await?;
        self.msg_result(r)
    }

    /// `ACK`: acknowledges a message; the next message, if any, comes in the reply.
    pub async fn ack(
        &self,
        rcv_id: &EntityId,
        key: &PrivateAuthKey,
        msg_id: &MsgId,
    ) -> Result<Option<ReceivedMsg>> {
        let cmd = Command::Ack(msg_id.clone());
        let r = self.send_command(None, rcv_id, Some(key), cmd).await?;
        self.msg_result(r)
    }

    /// `KEY`: the recipient secures the queue with the sender's key (legacy).
    pub async fn secure_queue(
        &self,
        rcv_id: &EntityId,
        key: &PrivateAuthKey,
        sender_key: &PublicAuthKey,
    ) -> Result<()> {
        self.expect_ok(rcv_id, Some(key), Command::Key(sender_key.clone()))
            .await
    }

    /// `SKEY`: the sender secures the queue with `sender_key` (which also authorizes it).
    pub async fn sender_secure(
        &self,
        snd_id: &EntityId,
        sender_key: &PrivateAuthKey,
    ) -> Result<()> {
        self.expect_ok(snd_id, Some(sender_key), Command::SKey(sender_key.public()))
            .await
    }

    /// `SEND`: sends a message; `key` is the sender key once the queue is secured.
    pub async fn send(
        &self,
        snd_id: &EntityId,
        key: Option<&PrivateAuthKey>,
        flags: MsgFlags,
        body: &[u8],
    ) -> Result<()> {
        self.expect_ok(snd_id, key, Command::Send(flags, body.to_vec()))
            .await
    }

    /// `OFF`: suspends the queue.
    pub async fn suspend(&self, rcv_id: &EntityId, key: &PrivateAuthKey) -> Result<()> {
        self.expect_ok(rcv_id, Some(key), Command::Off).await
    }

    /// `DEL`: deletes the queue.
    pub async fn delete(&self, rcv_id: &EntityId, key: &PrivateAuthKey) -> Result<()> {
        self.expect_ok(rcv_id, Some(key), Command::Del).await
    }

    /// `QUE`: queue information as the relay's JSON bytes.
    pub async fn queue_info(&self, rcv_id: &EntityId, key: &PrivateAuthKey) -> Result<Vec<u8>> {
        match self
            .send_command(None, rcv_id, Some(key), Command::Que)
            .await?
        {
            BrokerMsg::Info(json) => Ok(json),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `NKEY`: enables notifications; returns the notifier id and the relay's
    /// notification DH key.
    pub async fn enable_notifications(
        &self,
        rcv_id: &EntityId,
        key: &PrivateAuthKey,
        notifier_key: &PublicAuthKey,
        rcv_ntf_dh: &X25519Public,
    ) -> Result<(EntityId, X25519Public)> {
        let cmd = Command::NKey(notifier_key.clone(), rcv_ntf_dh.clone());
        match self.send_command(None, rcv_id, Some(key), cmd).await? {
            BrokerMsg::Nid(nid, k) => Ok((nid, k)),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `NDEL`: disables notifications.
    pub async fn disable_notifications(
        &self,
        rcv_id: &EntityId,
        key: &PrivateAuthKey,
    ) -> Result<()> {
        self.expect_ok(rcv_id, Some(key), Command::NDel).await
    }

    /// `NSUB`: the notifier subscribes (`NMSG` events follow). Returns the service id, if any.
    pub async fn notifier_subscribe(
        &self,
        ntf_id: &EntityId,
        key: &PrivateAuthKey,
    ) -> Result<Option<EntityId>> {
        let r = self
            .send_command(None, ntf_id, Some(key), Command::NSub)
            .await;
        self.sub_result(r)
    }

    /// `LSET`: sets the queue's link data.
    pub async fn set_link(
        &self,
        rcv_id: &EntityId,
        key: &PrivateAuthKey,
        link_id: &EntityId,
        data: QueueLinkData,
    ) -> Result<()> {
        self.expect_ok(rcv_id, Some(key), Command::LSet(link_id.clone(), data))
            .await
    }

    /// `LDEL`: deletes the queue's link data.
    pub async fn delete_link(&self, rcv_id: &EntityId, key: &PrivateAuthKey) -> Result<()> {
        self.expect_ok(rcv_id, Some(key), Command::LDel).await
    }

    /// `LKEY`: secures a messaging queue through its link with `sender_key` and returns the
    /// sender id and link data.
    pub async fn link_key(
        &self,
        link_id: &EntityId,
        sender_key: &PrivateAuthKey,
    ) -> Result<(EntityId, QueueLinkData)> {
        let cmd = Command::LKey(sender_key.public());
        self.link_result(
            self.send_command(None, link_id, Some(sender_key), cmd)
                .await?,
        )
    }

    /// `LGET`: gets a contact link's sender id and data (no authorization).
    pub async fn link_get(&self, link_id: &EntityId) -> Result<(EntityId, QueueLinkData)> {
        self.link_result(
            self.send_command(None, link_id, None, Command::LGet)
                .await?,
        )
    }

    pub(crate) fn link_result(&self, r: BrokerMsg) -> Result<(EntityId, QueueLinkData)> {
        match r {
            BrokerMsg::Lnk(sid, data) => Ok((sid, data)),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `RKEY`: replaces the recipient keys of a contact queue.
    pub async fn update_recipient_keys(
        &self,
        rcv_id: &EntityId,
        key: &PrivateAuthKey,
        new_keys: Vec<PublicAuthKey>,
    ) -> Result<()> {
        self.expect_ok(rcv_id, Some(key), Command::RKey(new_keys))
            .await
    }

    /// `PING` → `PONG`.
    pub async fn ping(&self) -> Result<()> {
        match self
            .send_command(None, &EntityId::empty(), None, Command::Ping)
            .await?
        {
            BrokerMsg::Pong => Ok(()),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `PRXY`: asks this relay (as a proxy) for a session with `relay`. Returns the
    /// destination's session id, version range and certificate chain with signed key,
    /// unverified (see [`SmpClient::connect_proxied_relay`] for the checked form).
    /// The proxy's `ERR` is [`ClientError::Proxy`].
    pub async fn proxy_session(
        &self,
        relay: &SmpServer,
        auth: Option<BasicAuth>,
    ) -> Result<(EntityId, VersionRange, CertChainPubKey)> {
        let cmd = Command::Prxy(relay.clone(), auth);
        match self
            .send_command(None, &EntityId::empty(), None, cmd)
            .await
            .map_err(proxy_err)?
        {
            BrokerMsg::Pkey(sid, vr, ck) => Ok((sid, vr, *ck)),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `PFWD`: forwards an encrypted transmission to the destination relay's session
    /// `session_id`; `corr_id` must be the nonce `enc` was encrypted with. Returns the
    /// encrypted response of `PRES`. The proxy's `ERR` is [`ClientError::Proxy`].
    pub async fn proxy_forward(
        &self,
        corr_id: CorrId,
        session_id: &EntityId,
        v: Version,
        cmd_key: X25519Public,
        enc: Vec<u8>,
    ) -> Result<Vec<u8>> {
        let cmd = Command::Pfwd(v, cmd_key, enc);
        match self
            .send_command(Some(corr_id), session_id, None, cmd)
            .await
            .map_err(proxy_err)?
        {
            BrokerMsg::Pres(b) => Ok(b),
            r => Err(self.unexpected(&r)),
        }
    }

    /// `RFWD`: the proxy side of private routing; sends already encrypted bytes with
    /// correlation id `nonce` and returns the encrypted body of `RRES`
    /// (see [`SmpClient::forward_transmission`] for the whole step).
    pub async fn relay_forward(&self, nonce: [u8; 24], enc: Vec<u8>) -> Result<Vec<u8>> {
        let cmd = Command::Rfwd(enc);
        match self
            .send_command(Some(CorrId::from(nonce)), &EntityId::empty(), None, cmd)
            .await?
        {
            BrokerMsg::Rres(b) => Ok(b),
            r => Err(self.unexpected(&r)),
        }
    }
}

/// An `ERR` from the proxy itself is a proxy error, not the destination's.
fn proxy_err(e: ClientError) -> ClientError {
    match e {
        ClientError::Protocol(e) => ClientError::Proxy(e),
        e => e,
    }
}
