//! Connections to several relays, one per relay, opened on first use and replaced after
//! a transport failure; operations retry on a fresh connection when the failure was
//! transient (the reference's `withReconnect`/`withRetry`).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Mutex;
use xftp_desc::XftpServer;

use crate::connection::{ClientConfig, XftpClient};
use crate::error::{ClientError, Result};

/// The connection to one relay, if open; locked while connecting so that concurrent
/// users wait for one connection instead of opening several.
type Slot = Arc<Mutex<Option<Arc<XftpClient>>>>;

/// A set of relay connections shared by concurrent transfers.
#[derive(Debug)]
pub struct XftpPool {
    cfg: ClientConfig,
    conns: Mutex<HashMap<String, Slot>>,
}

impl XftpPool {
    /// An empty pool.
    pub fn new(cfg: ClientConfig) -> Self {
        Self {
            cfg,
            conns: Mutex::new(HashMap::new()),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.cfg
    }

    /// The open connection to `server`, connecting if there is none.
    pub async fn client(&self, server: &XftpServer) -> Result<Arc<XftpClient>> {
        let slot = {
            let mut conns = self.conns.lock().await;
            conns.entry(server.to_string()).or_default().clone()
        };
        let mut slot = slot.lock().await;
        if let Some(c) = slot.as_ref().filter(|c| c.is_open()) {
            return Ok(c.clone());
        }
        let c = Arc::new(XftpClient::connect(server, &self.cfg).await?);
        *slot = Some(c.clone());
        Ok(c)
    }

    /// Forgets the connection to `server` (the next use reconnects).
    pub async fn drop_client(&self, server: &XftpServer) {
        let slot = self.conns.lock().await.get(&server.to_string()).cloned();
        if let Some(slot) = slot {
            *slot.lock().await = None;
        }
    }

    /// Runs `op` on the connection to `server`, reconnecting and trying again up to the
    /// configured number of attempts when the error is transient.
    pub async fn with_retry<T, F, Fut>(&self, server: &XftpServer, mut op: F) -> Result<T>
    where
        F: FnMut(Arc<XftpClient>) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let attempts = self.cfg.retries.max(1);
        let mut last = ClientError::Invalid("no attempts");
        for attempt in 1..=attempts {
            let r = match self.client(server).await {
                Ok(c) => op(c).await,
                Err(e) => Err(e),
            };
            match r {
                Ok(v) => return Ok(v),
                Err(e) if e.is_transient() && attempt < attempts => {
                    tracing::warn!("retrying after: {e}");
                    self.drop_client(server).await;
                    last = e;
                }
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }
}
