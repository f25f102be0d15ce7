//! Table `rcv_queue_short_links`: the credentials of a receive queue's short link, kept
//! so that its user data can be replaced (`LSET` with the same link id and fixed data).

use rusqlite::{OptionalExtension, params};

use super::Tx;
use super::error::Result;
use super::records::{RcvQueueId, SecretBytes};

/// A short link's credentials (reference `ShortLinkCreds`).
#[derive(Debug)]
pub struct ShortLinkCreds {
    /// The link id on the relay.
    pub link_id: Vec<u8>,
    /// The link key (in the short link).
    pub link_key: Vec<u8>,
    /// The Ed25519 seed that signs the link data.
    pub link_priv_sig_key: SecretBytes,
    /// The encrypted fixed part as stored on the relay.
    pub link_enc_fixed_data: Vec<u8>,
}

impl Tx<'_> {
    /// Stores (or replaces) the short link credentials of a receive queue.
    pub fn set_short_link_creds(&self, id: RcvQueueId, creds: &ShortLinkCreds) -> Result<()> {
        self.db()
            .prepare_cached(
                "INSERT OR REPLACE INTO rcv_queue_short_links
                   (rcv_queue_id, link_id, link_key, link_priv_sig_key, link_enc_fixed_data)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                id,
                creds.link_id,
                creds.link_key,
                creds.link_priv_sig_key.as_bytes(),
                creds.link_enc_fixed_data
            ])?;
        Ok(())
    }

    /// The short link credentials of a receive queue, if it has a short link.
    pub fn short_link_creds(&self, id: RcvQueueId) -> Result<Option<ShortLinkCreds>> {
        let creds = self
            .db()
            .prepare_cached(
                "SELECT link_id, link_key, link_priv_sig_key, link_enc_fixed_data
                 FROM rcv_queue_short_links WHERE rcv_queue_id = ?1",
            )?
            .query_row(params![id], |row| {
                Ok(ShortLinkCreds {
                    link_id: row.get(0)?,
                    link_key: row.get(1)?,
                    link_priv_sig_key: SecretBytes::new(row.get(2)?),
                    link_enc_fixed_data: row.get(3)?,
                })
            })
            .optional()?;
        Ok(creds)
    }
}
