//! Short link records. Table `rcv_queue_short_links`: the credentials of a receive
//! queue's short link, kept so that its user data can be replaced (`LSET` with the same
//! link id and fixed data). Table `inv_short_links`: the sender keys of invitations the
//! joining side secured with `LKEY`, kept until it has joined.

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

/// An invitation's short link resolved with `LKEY` by the joining side (reference
/// `InvShortLink`, table `inv_short_links`).
#[derive(Debug)]
pub struct InvShortLink {
    /// The relay's store key.
    pub server: String,
    /// The link id on the relay.
    pub link_id: Vec<u8>,
    /// The link key (in the short link).
    pub link_key: Vec<u8>,
    /// The sender key (PKCS#8) `LKEY` secures the queue with.
    pub snd_private_key: SecretBytes,
}

impl Tx<'_> {
    /// The stored `LKEY` sender key for the link `link_id` on `server`, if it was stored
    /// with the link key `link_key`.
    pub fn inv_short_link_key(
        &self,
        server: &str,
        link_id: &[u8],
        link_key: &[u8],
    ) -> Result<Option<SecretBytes>> {
        let key = self
            .db()
            .prepare_cached(
                "SELECT snd_private_key FROM inv_short_links
                 WHERE server = ?1 AND link_id = ?2 AND link_key = ?3",
            )?
            .query_row(params![server, link_id, link_key], |row| {
                Ok(SecretBytes::new(row.get(0)?))
            })
            .optional()?;
        Ok(key)
    }

    /// Stores a link's `LKEY` sender key, replacing one stored for the same link id.
    pub fn insert_inv_short_link(&self, link: &InvShortLink) -> Result<()> {
        self.db()
            .prepare_cached(
                "INSERT OR REPLACE INTO inv_short_links
                   (server, link_id, link_key, snd_private_key) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                link.server,
                link.link_id,
                link.link_key,
                link.snd_private_key.as_bytes()
            ])?;
        Ok(())
    }

    /// Records the sender id the relay answered `LKEY` with for the link `link_id`.
    pub fn set_inv_short_link_snd_id(
        &self,
        server: &str,
        link_id: &[u8],
        snd_id: &[u8],
    ) -> Result<()> {
        self.db()
            .prepare_cached(
                "UPDATE inv_short_links SET snd_id = ?3 WHERE server = ?1 AND link_id = ?2",
            )?
            .execute(params![server, link_id, snd_id])?;
        Ok(())
    }

    /// The `LKEY` sender key of the invitation queue `snd_id` on `server`, if its short
    /// link was resolved.
    pub fn inv_short_link_snd_key(
        &self,
        server: &str,
        snd_id: &[u8],
    ) -> Result<Option<SecretBytes>> {
        let key = self
            .db()
            .prepare_cached(
                "SELECT snd_private_key FROM inv_short_links WHERE server = ?1 AND snd_id = ?2",
            )?
            .query_row(params![server, snd_id], |row| {
                Ok(SecretBytes::new(row.get(0)?))
            })
            .optional()?;
        Ok(key)
    }

    /// Forgets the `LKEY` sender key of the invitation queue `snd_id` on `server` (joined).
    pub fn delete_inv_short_link(&self, server: &str, snd_id: &[u8]) -> Result<()> {
        self.db()
            .prepare_cached("DELETE FROM inv_short_links WHERE server = ?1 AND snd_id = ?2")?
            .execute(params![server, snd_id])?;
        Ok(())
    }
}
