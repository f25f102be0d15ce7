//! The client handle: connecting, connection facts and sending commands.

use std::sync::Arc;
use std::time::Duration;

use simplex_crypto::keys::{DhSecret, PrivateAuthKey, X25519Public};
use simplex_crypto::nonce::random_nonce;
use simplex_encoding::{Version, VersionRange};
use smp_proto::handshake::CertChainPubKey;
use smp_proto::transmission::TParams;
use smp_proto::{BrokerMsg, Command, CorrId, EntityId, SmpServer};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::auth::encode_transmission;
use crate::config::ClientConfig;
use crate::error::{ClientError, Result};
use crate::event::ServerEvent;
use crate::handshake;
use crate::pending::{PendingGuard, Shared};
use crate::tasks::{Outgoing, reader_task, writer_task};

/// One connection to one SMP relay.
///
/// Cheap to clone: clones share the connection, and commands sent concurrently from several
/// tasks are packed into shared blocks. The connection closes when [`SmpClient::close`] is
/// called, when the relay goes away, or when the last clone is dropped.
#[derive(Clone)]
pub struct SmpClient {
    inner: Arc<Inner>,
}

struct Inner {
    server: SmpServer,
    params: TParams,
    server_versions: VersionRange,
    server_key: Option<X25519Public>,
    cert_key: Option<CertChainPubKey>,
    sess_secret: Option<DhSecret>,
    request_timeout: Duration,
    client_versions: VersionRange,
    shared: Arc<Shared>,
    queue: mpsc::UnboundedSender<Vec<Outgoing>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shared.close("client closed");
    }
}

impl std::fmt::Debug for SmpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmpClient")
            .field("version", &self.inner.params.version)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// One command of [`SmpClient::send_commands`].
#[derive(Debug)]
pub struct ClientCommand<'a> {
    /// Correlation id to use; a fresh random one when `None`.
    pub corr_id: Option<CorrId>,
    /// The entity (queue id), empty for `NEW`, `PING`, `PRXY`, `RFWD`.
    pub entity: EntityId,
    /// The key that authorizes the command, if it needs one.
    pub key: Option<&'a PrivateAuthKey>,
    /// The command.
    pub command: Command,
}

impl SmpClient {
    /// Connects to `server` and runs the SMP handshake. Returns the client and the channel
    /// of [`ServerEvent`]s (messages pushed after `SUB`, `END`, `DELD`, `NMSG`, and finally
    /// `Disconnected`). Read the channel: when it is full the connection stops reading.
    pub async fn connect(
        server: &SmpServer,
        cfg: &ClientConfig,
    ) -> Result<(SmpClient, mpsc::Receiver<ServerEvent>)> {
        let est = handshake::connect(server, cfg).await?;
        let shared = Arc::new(Shared::new());
        let (events_tx, events_rx) = mpsc::channel(cfg.event_capacity.max(1));
        let (queue_tx, queue_rx) = mpsc::unbounded_channel();
        let (send_key, recv_key) = match est.chain_keys {
            Some((s, r)) => (Some(s), Some(r)),
            None => (None, None),
        };
        tokio::spawn(writer_task(est.writer, send_key, queue_rx, shared.clone()));
        tokio::spawn(reader_task(
            est.reader,
            recv_key,
            est.params.clone(),
            shared.clone(),
            events_tx,
        ));
        let inner = Inner {
            server: server.clone(),
            params: est.params,
            server_versions: est.server_versions,
            server_key: est.server_key,
            cert_key: est.cert_key,
            sess_secret: est.sess_secret,
            request_timeout: cfg.request_timeout,
            client_versions: cfg.versions,
            shared,
            queue: queue_tx,
        };
        Ok((
            SmpClient {
                inner: Arc::new(inner),
            },
            events_rx,
        ))
    }

    /// The negotiated protocol version.
    pub fn version(&self) -> Version {
        self.inner.params.version
    }

    /// The session id (tls-unique).
    pub fn session_id(&self) -> &[u8] {
        &self.inner.params.session_id
    }

    /// The relay's verified X25519 session key (relays offering v7+).
    pub fn server_session_key(&self) -> Option<X25519Public> {
        self.inner.server_key.clone()
    }

    /// The version range the relay offered.
    pub fn server_versions(&self) -> VersionRange {
        self.inner.server_versions
    }

    /// The relay's certificate chain and signed session key from its hello (what a proxy
    /// returns in `PKEY`).
    pub fn server_cert_key(&self) -> Option<CertChainPubKey> {
        self.inner.cert_key.clone()
    }

    /// The relay this client is connected to.
    pub fn server(&self) -> &SmpServer {
        &self.inner.server
    }

    /// True once the connection is closed or lost.
    pub fn is_closed(&self) -> bool {
        self.inner.shared.closed_reason().is_some()
    }

    /// Closes the connection: pending requests fail and the event channel ends with
    /// [`ServerEvent::Disconnected`].
    pub fn close(&self) {
        self.inner.shared.close("closed by client");
    }

    /// The version range of this connection's settings (also used for proxied relays).
    pub(crate) fn client_versions(&self) -> VersionRange {
        self.inner.client_versions
    }

    pub(crate) fn sess_secret(&self) -> Option<&DhSecret> {
        self.inner.sess_secret.as_ref()
    }

    /// Sends one command and waits for its response. `corr_id` defaults to 24 random bytes;
    /// `key` authorizes the command (Ed25519/Ed448 signature or X25519 authenticator).
    /// An `ERR e` answer is [`ClientError::Protocol`].
    pub async fn send_command(
        &self,
        corr_id: Option<CorrId>,
        entity: &EntityId,
        key: Option<&PrivateAuthKey>,
        command: Command,
    ) -> Result<BrokerMsg> {
        let cmd = ClientCommand {
            corr_id,
            entity: entity.clone(),
            key,
            command,
        };
        let mut results = self.send_commands(vec![cmd]).await;
        results
            .pop()
            .unwrap_or_else(|| Err(ClientError::Disconnected("no response".to_owned())))
    }

    /// Sends several commands in one go (they share blocks) and waits for all responses,
    /// returned in the same order. Each has the full request timeout.
    pub async fn send_commands(&self, cmds: Vec<ClientCommand<'_>>) -> Vec<Result<BrokerMsg>> {
        let shared = &*self.inner.shared;
        let mut waits = Vec::with_capacity(cmds.len());
        let mut guards = Vec::with_capacity(cmds.len());
        let mut out = Vec::with_capacity(cmds.len());
        for c in cmds {
            let corr_id = c.corr_id.unwrap_or_else(random_corr_id);
            let prepared = encode_transmission(
                &self.inner.params,
                self.inner.server_key.as_ref(),
                &corr_id,
                &c.entity,
                c.key,
                &c.command,
            )
            .and_then(|bytes| {
                let rx = shared.register(corr_id.clone(), c.entity)?;
                Ok((bytes, rx))
            });
            match prepared {
                Ok((bytes, rx)) => {
                    guards.push(PendingGuard {
                        shared,
                        corr_id: corr_id.clone(),
                    });
                    out.push(Outgoing { corr_id, bytes });
                    waits.push(Ok(rx));
                }
                Err(e) => waits.push(Err(e)),
            }
        }
        if !out.is_empty() && self.inner.queue.send(out).is_err() {
            self.inner.shared.close("writer stopped");
        }
        let deadline = Instant::now() + self.inner.request_timeout;
        let mut results = Vec::with_capacity(waits.len());
        for w in waits {
            results.push(match w {
                Ok(rx) => self.wait(deadline, rx).await,
                Err(e) => Err(e),
            });
        }
        drop(guards);
        results
    }

    async fn wait(
        &self,
        deadline: Instant,
        rx: oneshot::Receiver<Result<BrokerMsg>>,
    ) -> Result<BrokerMsg> {
        match tokio::time::timeout_at(deadline, rx).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => Err(ClientError::Disconnected(
                self.inner
                    .shared
                    .closed_reason()
                    .unwrap_or_else(|| "closed".to_owned()),
            )),
            Err(_) => Err(ClientError::Timeout),
        }
    }
}

/// A fresh random 24-byte correlation id.
pub(crate) fn random_corr_id() -> CorrId {
    CorrId::from(random_nonce(&mut rand::rng()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proxy::ProxiedRelay;
    use smp_proto::command::MsgFlags;

    fn is_send<T: Send>(_: &T) {}

    /// The futures callers spawn must be `Send` (no thread-local RNG held across awaits).
    #[allow(dead_code)]
    async fn futures_are_send(c: SmpClient, s: SmpServer, cfg: ClientConfig, r: ProxiedRelay) {
        is_send(&SmpClient::connect(&s, &cfg));
        is_send(&c.ping());
        is_send(&c.connect_proxied_relay(&s, None));
        let id = EntityId::empty();
        is_send(&r.proxied_send(&id, None, MsgFlags::default(), b""));
        is_send(&c.forward_transmission(&smp_proto::proxy::FwdTransmission {
            corr_id: CorrId::empty(),
            version: 0,
            key: X25519Public::from_bytes([0; 32]),
            enc: Vec::new(),
        }));
    }
}
