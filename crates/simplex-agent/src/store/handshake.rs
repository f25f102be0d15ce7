//! Tables `confirmations` (a joiner's confirmation waiting for the app's `allow`) and
//! `invitations` (contact requests received on a contact address, waiting for
//! `accept` or `reject`).

use std::fmt;

use rusqlite::{OptionalExtension, Row, params};

use super::error::Result;
use super::records::{ConfirmationId, ConnId, InvitationId, SecretBytes, Timestamp, UserId};
use super::{Tx, changed_one};

/// A received confirmation to keep until the app allows it.
#[derive(Debug, Clone, Copy)]
pub struct NewConfirmation<'a> {
    /// The connection it arrived on.
    pub conn_id: &'a ConnId,
    /// The peer's decrypted connection info.
    pub peer_info: &'a [u8],
    /// The peer's reply queues, encoded by the engine (empty when none).
    pub reply_queues: &'a [u8],
}

/// A stored confirmation.
#[derive(Debug)]
pub struct Confirmation {
    /// Its id (the `confId` of `CONF`).
    pub confirmation_id: ConfirmationId,
    /// The connection it arrived on.
    pub conn_id: ConnId,
    /// The peer's connection info.
    pub peer_info: SecretBytes,
    /// The peer's reply queues, encoded by the engine.
    pub reply_queues: Vec<u8>,
    /// Whether the app allowed it.
    pub accepted: bool,
    /// The info the app answered with, once allowed.
    pub own_info: Option<SecretBytes>,
    /// When it arrived.
    pub created_at: Timestamp,
}

impl Confirmation {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Confirmation {
            confirmation_id: row.get("confirmation_id")?,
            conn_id: row.get("conn_id")?,
            peer_info: row.get("peer_info")?,
            reply_queues: row.get("reply_queues")?,
            accepted: row.get("accepted")?,
            own_info: row.get("own_info")?,
            created_at: row.get("created_at")?,
        })
    }
}

const CONF_COLUMNS: &str =
    "confirmation_id, conn_id, peer_info, reply_queues, accepted, own_info, created_at";

/// A received contact request to keep until the app accepts or rejects it.
#[derive(Clone, Copy)]
pub struct NewInvitation<'a> {
    /// The user owning the contact address.
    pub user_id: UserId,
    /// The contact address connection it arrived on.
    pub contact_conn_id: &'a ConnId,
    /// The requester's invitation link, to join on accept.
    pub invitation_link: &'a str,
    /// The requester's connection info.
    pub peer_info: &'a [u8],
}

impl fmt::Debug for NewInvitation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewInvitation")
            .field("user_id", &self.user_id)
            .field("contact_conn_id", &self.contact_conn_id)
            .field("invitation_link", &"<redacted>")
            .field("peer_info_len", &self.peer_info.len())
            .finish()
    }
}

/// A stored contact request.
pub struct Invitation {
    /// Its id (the `invId` of `REQ`).
    pub invitation_id: InvitationId,
    /// The user owning the contact address.
    pub user_id: UserId,
    /// The contact address connection (`None` once that connection is deleted).
    pub contact_conn_id: Option<ConnId>,
    /// The requester's invitation link.
    pub invitation_link: String,
    /// The requester's connection info.
    pub peer_info: SecretBytes,
    /// Whether the app accepted it.
    pub accepted: bool,
    /// The info the app answered with, once accepted.
    pub own_info: Option<SecretBytes>,
    /// When it arrived.
    pub created_at: Timestamp,
}

impl fmt::Debug for Invitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invitation")
            .field("invitation_id", &self.invitation_id)
            .field("user_id", &self.user_id)
            .field("contact_conn_id", &self.contact_conn_id)
            .field("invitation_link", &"<redacted>")
            .field("peer_info", &self.peer_info)
            .field("accepted", &self.accepted)
            .field("own_info", &self.own_info)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl Invitation {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Invitation {
            invitation_id: row.get("invitation_id")?,
            user_id: row.get("user_id")?,
            contact_conn_id: row.get("contact_conn_id")?,
            invitation_link: row.get("invitation_link")?,
            peer_info: row.get("peer_info")?,
            accepted: row.get("accepted")?,
            own_info: row.get("own_info")?,
            created_at: row.get("created_at")?,
        })
    }
}

const INV_COLUMNS: &str = "invitation_id, user_id, contact_conn_id, invitation_link, peer_info, \
     accepted, own_info, created_at";

impl Tx<'_> {
    /// Stores a confirmation under a fresh random id.
    pub fn create_confirmation(&self, new: &NewConfirmation<'_>) -> Result<ConfirmationId> {
        let id = ConfirmationId::random()?;
        self.db()
            .prepare_cached(
                "INSERT INTO confirmations (confirmation_id, conn_id, peer_info, reply_queues,
                   created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                id,
                new.conn_id,
                new.peer_info,
                new.reply_queues,
                Timestamp::now()
            ])?;
        Ok(id)
    }

    /// One confirmation.
    pub fn confirmation(&self, id: &ConfirmationId) -> Result<Option<Confirmation>> {
        let sql = format!("SELECT {CONF_COLUMNS} FROM confirmations WHERE confirmation_id = ?1");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![id], Confirmation::from_row)
            .optional()?)
    }

    /// A connection's confirmations, oldest first.
    pub fn confirmations(&self, conn_id: &ConnId) -> Result<Vec<Confirmation>> {
        let sql = format!(
            "SELECT {CONF_COLUMNS} FROM confirmations WHERE conn_id = ?1
             ORDER BY created_at, confirmation_id"
        );
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![conn_id], Confirmation::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a confirmation allowed, with the app's own info.
    pub fn accept_confirmation(&self, id: &ConfirmationId, own_info: &[u8]) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE confirmations SET accepted = 1, own_info = ?2 WHERE confirmation_id = ?1",
            )?
            .execute(params![id, own_info])?;
        changed_one(n, "confirmation")
    }

    /// Deletes a confirmation.
    pub fn delete_confirmation(&self, id: &ConfirmationId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM confirmations WHERE confirmation_id = ?1")?
            .execute(params![id])?;
        changed_one(n, "confirmation")
    }

    /// Stores a contact request under a fresh random id.
    pub fn create_invitation(&self, new: &NewInvitation<'_>) -> Result<InvitationId> {
        let id = InvitationId::random()?;
        self.db()
            .prepare_cached(
                "INSERT INTO invitations (invitation_id, user_id, contact_conn_id,
                   invitation_link, peer_info, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                new.user_id,
                new.contact_conn_id,
                new.invitation_link,
                new.peer_info,
                Timestamp::now()
            ])?;
        Ok(id)
    }

    /// One contact request.
    pub fn invitation(&self, id: &InvitationId) -> Result<Option<Invitation>> {
        let sql = format!("SELECT {INV_COLUMNS} FROM invitations WHERE invitation_id = ?1");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![id], Invitation::from_row)
            .optional()?)
    }

    /// A user's contact requests, oldest first.
    pub fn invitations(&self, user_id: UserId) -> Result<Vec<Invitation>> {
        let sql = format!(
            "SELECT {INV_COLUMNS} FROM invitations WHERE user_id = ?1
             ORDER BY created_at, invitation_id"
        );
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![user_id], Invitation::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a contact request accepted, with the app's own info.
    pub fn accept_invitation(&self, id: &InvitationId, own_info: &[u8]) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE invitations SET accepted = 1, own_info = ?2 WHERE invitation_id = ?1",
            )?
            .execute(params![id, own_info])?;
        changed_one(n, "invitation")
    }

    /// Deletes a contact request (rejected, or done).
    pub fn delete_invitation(&self, id: &InvitationId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM invitations WHERE invitation_id = ?1")?
            .execute(params![id])?;
        changed_one(n, "invitation")
    }
}
