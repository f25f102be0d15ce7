//! The destination side of private message routing: `RFWD` from a proxy relay
//! (the reference's `processForwardedCommand`).

use crate::handler::ConnCtx;
use crate::subs::Out;
use simplex_crypto::cbox::{cb_decrypt, cb_decrypt_no_pad, cb_encrypt, cb_encrypt_no_pad};
use simplex_crypto::nonce::{cb_nonce, reverse_nonce};
use simplex_encoding::{Decode, Encode};
use smp_proto::batch::{batch_of_one, parse_batch};
use smp_proto::error::{BrokerErrorType, ErrorType, ProxyError, TransportError};
use smp_proto::proxy::{FwdResponse, FwdTransmission};
use smp_proto::transmission::{self, TParams};
use smp_proto::versions::PADDED_PROXIED_LEN;
use smp_proto::{BrokerMsg, Command, CorrId};

impl ConnCtx {
    /// Opens a forwarded transmission, executes it and returns `RRES` (or `ERR`).
    pub(crate) async fn forwarded(&self, corr: &CorrId, enc: Vec<u8>) -> (BrokerMsg, Vec<Out>) {
        match self.forwarded_(corr, enc).await {
            Ok(m) => (m, vec![]),
            Err(e) => (BrokerMsg::Err(e), vec![]),
        }
    }

    async fn forwarded_(&self, corr: &CorrId, enc: Vec<u8>) -> Result<BrokerMsg, ErrorType> {
        let no_auth = || {
            ErrorType::Proxy(Box::new(ProxyError::Broker(BrokerErrorType::Transport(
                TransportError::NoAuth,
            ))))
        };
        let proxy_key = self.peer_key.as_ref().ok_or_else(no_auth)?;
        let sess_secret = self.session_key.dh(proxy_key);
        let proxy_nonce = cb_nonce(corr.as_bytes());
        let plain =
            cb_decrypt_no_pad(&sess_secret, &proxy_nonce, &enc).map_err(|_| ErrorType::Crypto)?;
        let fwd = FwdTransmission::from_bytes(&plain).map_err(|_| ErrorType::SYNTAX)?;
        let client_secret = self.session_key.dh(&fwd.key);
        let client_nonce = cb_nonce(fwd.corr_id.as_bytes());
        let batch =
            cb_decrypt(&client_secret, &client_nonce, &fwd.enc).map_err(|_| ErrorType::Crypto)?;
        let p = TParams {
            version: fwd.version,
            session_id: self.session_id.clone(),
        };
        let ts = parse_batch(&batch).map_err(|_| ErrorType::Block)?;
        let [t] = ts.as_slice() else {
            return Err(ErrorType::Block);
        };
        let (c, e, resp) = match transmission::parse(&p, t) {
            Err(te) => (
                te.corr_id,
                smp_proto::EntityId::empty(),
                BrokerMsg::Err(te.error),
            ),
            Ok(raw) => {
                let (c, e) = (raw.corr_id.clone(), raw.entity_id.clone());
                (c, e, self.forwarded_command(fwd.version, raw).await)
            }
        };
        self.env.stats.relay_forwarded.inc();
        let rt = transmission::encode(&p, &[], None, &c, &e, &resp.to_bytes(fwd.version));
        let r2 = cb_encrypt(
            &client_secret,
            &reverse_nonce(&client_nonce),
            &batch_of_one(&rt),
            PADDED_PROXIED_LEN,
        )
        .map_err(|_| ErrorType::Block)?;
        let fr = FwdResponse {
            corr_id: fwd.corr_id,
            enc: r2,
        };
        let r3 = cb_encrypt_no_pad(&sess_secret, &reverse_nonce(&proxy_nonce), &fr.to_bytes());
        Ok(BrokerMsg::Rres(r3))
    }

    async fn forwarded_command(&self, v: u16, raw: transmission::RawTransmission) -> BrokerMsg {
        let cmd = match Command::parse(v, &raw.command) {
            Ok(c) => c,
            Err(e) => return BrokerMsg::Err(e),
        };
        if !matches!(
            cmd,
            Command::Send(..) | Command::SKey(_) | Command::LKey(_) | Command::LGet
        ) {
            return BrokerMsg::Err(ErrorType::PROHIBITED);
        }
        match self.prepare(&raw, &cmd) {
            Err(e) => BrokerMsg::Err(e),
            Ok(q) => self.process(v, cmd, &raw.corr_id, q).await.0,
        }
    }
}
