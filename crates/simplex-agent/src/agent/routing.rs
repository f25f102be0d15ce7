//! Sender commands to a peer's relay, directly or through a proxy relay (private routing;
//! reference `Agent/Client.hs` `sendOrProxySMPCommand`): `SKEY`, `SEND`, and the short
//! link reads `LKEY` and `LGET` (reference `secureGetQueueLink`, `getQueueLink`).
//!
//! The network settings decide whether a proxy is used ([`SmpProxyMode`]); the proxy is a
//! random relay of the user's list other than the destination, and its session with the
//! destination is kept in the pool and reused for every later command to that relay.
//! When the proxy cannot reach the destination (`PROXY BROKER HOST` or a version
//! mismatch), the command goes directly if [`SmpProxyFallback`] allows it. A lost proxy
//! session (`PROXY NO_SESSION`) is reopened once through the same proxy.

use simplex_crypto::keys::PrivateAuthKey;
use simplex_encoding::Version;
use smp_client::{ClientError, ProxiedRelay};
use smp_proto::command::{MsgFlags, QueueLinkData};
use smp_proto::error::{BrokerErrorType, ProxyError, TransportError};
use smp_proto::{BrokerMsg, Command, EntityId, ErrorType, SmpServer};

use super::Inner;
use crate::config::{SmpProxyFallback, SmpProxyMode};
use crate::error::{AgentError, Result};

/// A command a sender gives the recipient's relay.
#[derive(Debug, Clone, Copy)]
pub(super) enum SenderCmd<'a> {
    /// `SKEY`: secure the queue with the key that authorizes the command.
    Secure,
    /// `SEND`.
    Send(MsgFlags, &'a [u8]),
    /// `LKEY`: secure an invitation's queue through its link id with the key that
    /// authorizes the command, and read the link data.
    LinkKey,
    /// `LGET`: read a contact address's link data.
    LinkGet,
}

/// What the destination relay answered.
enum Reply {
    /// `OK`.
    Ok,
    /// `LNK`: the queue's sender id and its link data.
    Link(EntityId, QueueLinkData),
}

/// How a command went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    /// Directly to the destination relay.
    Direct,
    /// Through this proxy relay.
    Proxy(SmpServer),
}

impl Inner {
    /// Whether commands to `dest` go through a proxy (reference `shouldUseProxy`).
    pub(super) fn should_use_proxy(&self, dest: &SmpServer) -> bool {
        let net = &self.config.network;
        match net.smp_proxy_mode {
            SmpProxyMode::Always => true,
            SmpProxyMode::Unknown => !self.is_known_relay(dest),
            SmpProxyMode::Unprotected => !net.ip_protected() && !self.is_known_relay(dest),
            SmpProxyMode::Never => false,
        }
    }

    /// Whether a command may go directly after the proxy failed to reach the destination.
    fn direct_allowed(&self) -> bool {
        let net = &self.config.network;
        match net.smp_proxy_fallback {
            SmpProxyFallback::Allow => true,
            SmpProxyFallback::AllowProtected => net.ip_protected(),
            SmpProxyFallback::Prohibit => false,
        }
    }

    /// Runs `cmd` on the queue `snd_id` of `dest`, authorized with `key`, directly or
    /// through a proxy as the settings say. Returns the route it took.
    pub(super) async fn sender_command(
        &self,
        dest: &SmpServer,
        snd_id: &EntityId,
        key: Option<&PrivateAuthKey>,
        cmd: SenderCmd<'_>,
    ) -> Result<Route> {
        match self.routed(dest, snd_id, key, cmd).await? {
            (route, Reply::Ok) => Ok(route),
            (_, Reply::Link(..)) => Err(ClientError::UnexpectedResponse("LNK".to_owned()).into()),
        }
    }

    /// Runs `LKEY` (with `key`) or `LGET` (without) on the link `link_id` of `dest`,
    /// directly or through a proxy like [`Self::sender_command`]; returns the route, the
    /// queue's sender id and the link data.
    pub(super) async fn link_command(
        &self,
        dest: &SmpServer,
        link_id: &EntityId,
        key: Option<&PrivateAuthKey>,
    ) -> Result<(Route, EntityId, QueueLinkData)> {
        let cmd = match key {
            Some(_) => SenderCmd::LinkKey,
            None => SenderCmd::LinkGet,
        };
        match self.routed(dest, link_id, key, cmd).await? {
            (route, Reply::Link(snd_id, data)) => Ok((route, snd_id, data)),
            (_, Reply::Ok) => Err(ClientError::UnexpectedResponse("OK".to_owned()).into()),
        }
    }

    /// [`Self::sender_command`] with the relay's reply.
    async fn routed(
        &self,
        dest: &SmpServer,
        entity: &EntityId,
        key: Option<&PrivateAuthKey>,
        cmd: SenderCmd<'_>,
    ) -> Result<(Route, Reply)> {
        if !self.should_use_proxy(dest) {
            let reply = self.direct(dest, entity, key, cmd).await?;
            return Ok((Route::Direct, reply));
        }
        match self.via_proxy(dest, entity, key, cmd).await {
            Ok((proxy, reply)) => Ok((Route::Proxy(proxy), reply)),
            Err(e) if is_host_error(&e) && self.direct_allowed() => {
                tracing::info!(%e, "the proxy cannot reach the relay; sending directly");
                let reply = self.direct(dest, entity, key, cmd).await?;
                Ok((Route::Direct, reply))
            }
            Err(e) => Err(e),
        }
    }

    async fn direct(
        &self,
        dest: &SmpServer,
        entity: &EntityId,
        key: Option<&PrivateAuthKey>,
        cmd: SenderCmd<'_>,
    ) -> Result<Reply> {
        let client = self.pool.client(dest).await?;
        let r = client
            .send_command(None, entity, key, cmd.command(key)?)
            .await?;
        reply(r, client.version())
    }

    /// Sends through the proxy session with `dest` (opening one through a random relay of
    /// the user other than `dest` when needed). Returns the proxy relay and the reply.
    async fn via_proxy(
        &self,
        dest: &SmpServer,
        entity: &EntityId,
        key: Option<&PrivateAuthKey>,
        cmd: SenderCmd<'_>,
    ) -> Result<(SmpServer, Reply)> {
        let proxy = self.pick_relay(&[dest])?.server;
        let session = self.pool.proxied_relay(&proxy, dest).await?;
        match proxied(&session.relay, entity, key, cmd).await {
            Err(AgentError::Relay(ClientError::Proxy(ErrorType::Proxy(p))))
                if *p == ProxyError::NoSession =>
            {
                // The proxy lost its session with the destination: reopen it through the
                // same proxy, once.
                self.pool.forget_proxied(dest).await;
                let proxy = session.proxy;
                let session = self.pool.proxied_relay(&proxy, dest).await?;
                let reply = proxied(&session.relay, entity, key, cmd).await?;
                Ok((proxy, reply))
            }
            Err(e) => {
                if matches!(e, AgentError::Relay(ClientError::Proxy(_))) {
                    self.pool.forget_proxied(dest).await;
                }
                Err(e)
            }
            Ok(reply) => Ok((session.proxy, reply)),
        }
    }
}

async fn proxied(
    session: &ProxiedRelay,
    entity: &EntityId,
    key: Option<&PrivateAuthKey>,
    cmd: SenderCmd<'_>,
) -> Result<Reply> {
    let r = session.command(entity, key, cmd.command(key)?).await?;
    reply(r, session.version())
}

impl SenderCmd<'_> {
    /// The SMP command; `SKEY` and `LKEY` carry the public half of `key`.
    fn command(self, key: Option<&PrivateAuthKey>) -> Result<Command> {
        Ok(match (self, key) {
            (SenderCmd::Secure, Some(key)) => Command::SKey(key.public()),
            (SenderCmd::Send(flags, body), _) => Command::Send(flags, body.to_vec()),
            (SenderCmd::LinkKey, Some(key)) => Command::LKey(key.public()),
            (SenderCmd::LinkGet, _) => Command::LGet,
            (SenderCmd::Secure | SenderCmd::LinkKey, None) => return Err(no_key()),
        })
    }
}

/// The destination's answer to a sender command (its `ERR` is already an error).
fn reply(r: BrokerMsg, version: Version) -> Result<Reply> {
    match r {
        BrokerMsg::Ok => Ok(Reply::Ok),
        BrokerMsg::Lnk(snd_id, data) => Ok(Reply::Link(snd_id, data)),
        r => Err(ClientError::UnexpectedResponse(r.tag(version).to_owned()).into()),
    }
}

fn no_key() -> AgentError {
    AgentError::Prohibited("SKEY and LKEY need the sender key")
}

/// The proxy could not reach the destination relay, or one of the two relays does not
/// support private routing (reference `serverHostError`; our client reports a version
/// mismatch found in `PKEY` or with the proxy itself as a local transport error).
fn is_host_error(e: &AgentError) -> bool {
    let p = match e {
        AgentError::Relay(ClientError::Transport(TransportError::Version)) => return true,
        AgentError::Relay(ClientError::Proxy(ErrorType::Proxy(p))) => p,
        _ => return false,
    };
    matches!(
        **p,
        ProxyError::Broker(BrokerErrorType::Host)
            | ProxyError::Broker(BrokerErrorType::Transport(TransportError::Version))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_errors_allow_fallback() {
        let proxy_err =
            |p: ProxyError| AgentError::Relay(ClientError::Proxy(ErrorType::Proxy(Box::new(p))));
        assert!(is_host_error(&proxy_err(ProxyError::Broker(
            BrokerErrorType::Host
        ))));
        assert!(is_host_error(&proxy_err(ProxyError::Broker(
            BrokerErrorType::Transport(TransportError::Version)
        ))));
        assert!(!is_host_error(&proxy_err(ProxyError::Broker(
            BrokerErrorType::Timeout
        ))));
        assert!(!is_host_error(&proxy_err(ProxyError::NoSession)));
        let version = ClientError::Transport(TransportError::Version);
        assert!(is_host_error(&AgentError::Relay(version)));
        assert!(!is_host_error(&AgentError::Relay(ClientError::Protocol(
            ErrorType::Auth
        ))));
    }
}
