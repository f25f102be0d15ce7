//! Sender commands to a peer's relay, directly or through a proxy relay (private routing;
//! reference `Agent/Client.hs` `sendOrProxySMPCommand`).
//!
//! The network settings decide whether a proxy is used ([`SmpProxyMode`]); the proxy is a
//! random relay of the user's list other than the destination, and its session with the
//! destination is kept in the pool and reused for every later command to that relay.
//! When the proxy cannot reach the destination (`PROXY BROKER HOST` or a version
//! mismatch), the command goes directly if [`SmpProxyFallback`] allows it. A lost proxy
//! session (`PROXY NO_SESSION`) is reopened once through the same proxy.

use simplex_crypto::keys::PrivateAuthKey;
use smp_client::{ClientError, ProxiedRelay};
use smp_proto::command::MsgFlags;
use smp_proto::error::{BrokerErrorType, ProxyError, TransportError};
use smp_proto::{EntityId, ErrorType, SmpServer};

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
        if !self.should_use_proxy(dest) {
            self.direct(dest, snd_id, key, cmd).await?;
            return Ok(Route::Direct);
        }
        match self.via_proxy(dest, snd_id, key, cmd).await {
            Ok(proxy) => Ok(Route::Proxy(proxy)),
            Err(e) if is_host_error(&e) && self.direct_allowed() => {
                tracing::info!(%e, "the proxy cannot reach the relay; sending directly");
                self.direct(dest, snd_id, key, cmd).await?;
                Ok(Route::Direct)
            }
            Err(e) => Err(e),
        }
    }

    async fn direct(
        &self,
        dest: &SmpServer,
        snd_id: &EntityId,
        key: Option<&PrivateAuthKey>,
        cmd: SenderCmd<'_>,
    ) -> Result<()> {
        let client = self.pool.client(dest).await?;
        match (cmd, key) {
            (SenderCmd::Secure, Some(key)) => client.sender_secure(snd_id, key).await?,
            (SenderCmd::Secure, None) => return Err(no_key()),
            (SenderCmd::Send(flags, body), key) => client.send(snd_id, key, flags, body).await?,
        }
        Ok(())
    }

    /// Sends through the proxy session with `dest` (opening one through a random relay of
    /// the user other than `dest` when needed). Returns the proxy relay.
    async fn via_proxy(
        &self,
        dest: &SmpServer,
        snd_id: &EntityId,
        key: Option<&PrivateAuthKey>,
        cmd: SenderCmd<'_>,
    ) -> Result<SmpServer> {
        let proxy = self.pick_relay(&[dest])?.server;
        let session = self.pool.proxied_relay(&proxy, dest).await?;
        match proxied(&session.relay, snd_id, key, cmd).await {
            Err(AgentError::Relay(ClientError::Proxy(ErrorType::Proxy(p))))
                if *p == ProxyError::NoSession =>
            {
                // The proxy lost its session with the destination: reopen it through the
                // same proxy, once.
                self.pool.forget_proxied(dest).await;
                let proxy = session.proxy;
                let session = self.pool.proxied_relay(&proxy, dest).await?;
                proxied(&session.relay, snd_id, key, cmd).await?;
                Ok(proxy)
            }
            Err(e) => {
                if matches!(e, AgentError::Relay(ClientError::Proxy(_))) {
                    self.pool.forget_proxied(dest).await;
                }
                Err(e)
            }
            Ok(()) => Ok(session.proxy),
        }
    }
}

async fn proxied(
    session: &ProxiedRelay,
    snd_id: &EntityId,
    key: Option<&PrivateAuthKey>,
    cmd: SenderCmd<'_>,
) -> Result<()> {
    match (cmd, key) {
        (SenderCmd::Secure, Some(key)) => Ok(session.proxied_sender_secure(snd_id, key).await?),
        (SenderCmd::Secure, None) => Err(no_key()),
        (SenderCmd::Send(flags, body), key) => {
            Ok(session.proxied_send(snd_id, key, flags, body).await?)
        }
    }
}

fn no_key() -> AgentError {
    AgentError::Prohibited("SKEY needs the sender key")
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
