//! The proxy side of private message routing: `PRXY` opens (or reuses) a connection to
//! the destination relay and returns its session key; `PFWD` forwards an encrypted
//! command there as `RFWD` and returns the reply as `PRES`.

use crate::env::Env;
use simplex_crypto::keys::X25519Public;
use smp_client::{ClientConfig, ClientError, SmpClient};
use smp_proto::address::BasicAuth;
use smp_proto::error::{BrokerErrorType, ErrorType, ProxyError, TransportError};
use smp_proto::proxy::FwdTransmission;
use smp_proto::versions::{PROXIED_RANGE, SENDING_PROXY_V};
use smp_proto::{BrokerMsg, CorrId, EntityId, SmpServer};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Connections from this relay to destination relays, by address and by session id.
pub struct ProxyAgent {
    /// One slot per destination, so that connecting to one relay does not hold up others.
    by_server: Mutex<HashMap<SmpServer, Arc<tokio::sync::Mutex<Option<SmpClient>>>>>,
    by_session: Mutex<HashMap<Vec<u8>, SmpClient>>,
}

impl std::fmt::Debug for ProxyAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyAgent").finish_non_exhaustive()
    }
}

fn broker(e: BrokerErrorType) -> ErrorType {
    ErrorType::Proxy(Box::new(ProxyError::Broker(e)))
}

/// The reference's `smpProxyError`: how a failure to reach the destination is reported.
fn proxy_error(e: ClientError) -> ErrorType {
    match e {
        ClientError::Protocol(e) => ErrorType::Proxy(Box::new(ProxyError::Protocol(e))),
        ClientError::Transport(t) => broker(BrokerErrorType::Transport(t)),
        ClientError::Timeout => broker(BrokerErrorType::Timeout),
        ClientError::UnexpectedResponse(s) => broker(BrokerErrorType::Unexpected(s)),
        ClientError::Response(e) => broker(BrokerErrorType::Response(format!("{e:?}"))),
        ClientError::Network(_) | ClientError::Disconnected(_) | ClientError::Tls(_) => {
            broker(BrokerErrorType::Network)
        }
        _ => broker(BrokerErrorType::Network),
    }
}

impl ProxyAgent {
    /// An agent with no connections.
    pub fn new(_config: &crate::config::ServerConfig) -> Self {
        ProxyAgent {
            by_server: Mutex::new(HashMap::new()),
            by_session: Mutex::new(HashMap::new()),
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, SmpClient>> {
        self.by_session.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn client(&self, env: &Env, srv: &SmpServer) -> Result<SmpClient, ClientError> {
        let slot = {
            let mut map = self.by_server.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(srv.clone()).or_default().clone()
        };
        let mut slot = slot.lock().await;
        if let Some(c) = slot.as_ref()
            && !c.is_closed()
        {
            return Ok(c.clone());
        }
        let cfg = ClientConfig {
            proxy_server: true,
            connect_addr: env
                .config
                .proxy_connect_override
                .as_ref()
                .and_then(|f| (f.0)(srv)),
            handshake_timeout: Duration::from_secs(15),
            ..ClientConfig::default()
        };
        let (c, mut events) = SmpClient::connect(srv, &cfg).await?;
        // The proxy subscribes to nothing; drain the channel so the reader never stalls.
        tokio::spawn(async move { while events.recv().await.is_some() {} });
        {
            let mut sessions = self.sessions();
            sessions.retain(|_, v| !v.is_closed());
            sessions.insert(c.session_id().to_vec(), c.clone());
        }
        *slot = Some(c.clone());
        Ok(c)
    }

    /// `PRXY`: the destination relay's session id, capped version range and keys.
    pub async fn session(&self, env: &Env, srv: &SmpServer, auth: Option<BasicAuth>) -> BrokerMsg {
        let cfg = &env.config;
        let allowed = cfg.allow_proxy
            && cfg
                .create_password
                .as_ref()
                .is_none_or(|p| auth.as_ref() == Some(p));
        if !allowed {
            return BrokerMsg::Err(ErrorType::Proxy(Box::new(ProxyError::BasicAuth)));
        }
        env.stats.proxy_sessions.inc();
        if cfg.proxy_required_host_mode && !srv.hosts.iter().any(|h| cfg.proxy_host_mode.fits(h)) {
            // the reference's `chooseTransportHost` failing: `PCEIncompatibleHost`
            env.stats.proxy_session_errors.inc();
            return BrokerMsg::Err(broker(BrokerErrorType::Host));
        }
        let c = match self.client(env, srv).await {
            Ok(c) => c,
            Err(e) => {
                env.stats.proxy_session_errors.inc();
                tracing::info!("proxy could not connect to a destination relay: {e}");
                return BrokerMsg::Err(proxy_error(e));
            }
        };
        let version_err = broker(BrokerErrorType::Transport(TransportError::Version));
        match (
            c.server_versions().intersect(&PROXIED_RANGE),
            c.server_cert_key(),
        ) {
            (Some(vr), Some(ck)) if c.version() >= SENDING_PROXY_V => BrokerMsg::Pkey(
                EntityId::new(c.session_id()).unwrap_or_default(),
                vr,
                Box::new(ck),
            ),
            (Some(_), None) => {
                BrokerMsg::Err(broker(BrokerErrorType::Transport(TransportError::NoAuth)))
            }
            _ => BrokerMsg::Err(version_err),
        }
    }

    /// `PFWD`: forwards the client's encrypted command to the destination relay.
    pub async fn forward(
        &self,
        env: &Env,
        session: &EntityId,
        corr: &CorrId,
        version: u16,
        key: X25519Public,
        enc: Vec<u8>,
    ) -> BrokerMsg {
        let c = self.sessions().get(session.as_bytes()).cloned();
        let Some(c) = c.filter(|c| !c.is_closed()) else {
            return BrokerMsg::Err(ErrorType::Proxy(Box::new(ProxyError::NoSession)));
        };
        env.stats.proxy_forwarded.inc();
        let fwd = FwdTransmission {
            corr_id: corr.clone(),
            version,
            key,
            enc,
        };
        match c.forward_transmission(&fwd).await {
            Ok(r) => BrokerMsg::Pres(r),
            Err(e) => BrokerMsg::Err(proxy_error(e)),
        }
    }
}
