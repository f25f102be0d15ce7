//! Contacts and contact requests, with local names unique per user.

use chat_proto::profile::Profile;
use rusqlite::{OptionalExtension, Row, params};

use super::ChatStore;
use crate::error::Result;

/// A contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Row id.
    pub contact_id: i64,
    /// The owning user.
    pub user_id: i64,
    /// The name used in commands (`@name`), unique per user.
    pub local_name: String,
    /// The contact's profile.
    pub profile: Profile,
    /// The agent connection.
    pub conn_id: String,
    /// Whether the connection is established.
    pub ready: bool,
    /// The random profile we use with this contact, if incognito.
    pub incognito: Option<Profile>,
    /// Whether we allow disappearing messages with this contact.
    pub timed_allow: bool,
    /// The disappearing-message time in seconds (when enabled).
    pub timed_ttl: Option<i64>,
}

/// A contact request received on the user's address.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactRequest {
    /// Row id.
    pub request_id: i64,
    /// The name used in `/ac NAME`.
    pub local_name: String,
    /// The requester's profile.
    pub profile: Profile,
    /// The agent's invitation id.
    pub inv_id: String,
}

const CCOLS: &str = "contact_id, user_id, local_name, profile, agent_conn_id, ready, \
    incognito_profile, timed_allow, timed_ttl";

pub(super) fn json_col<T: serde::de::DeserializeOwned>(
    r: &Row<'_>,
    i: usize,
) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    serde_json::from_str(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

fn contact_row(r: &Row<'_>) -> rusqlite::Result<Contact> {
    let incognito: Option<String> = r.get(6)?;
    Ok(Contact {
        contact_id: r.get(0)?,
        user_id: r.get(1)?,
        local_name: r.get(2)?,
        profile: json_col(r, 3)?,
        conn_id: r.get(4)?,
        ready: r.get(5)?,
        incognito: incognito.and_then(|s| serde_json::from_str(&s).ok()),
        timed_allow: r.get(7)?,
        timed_ttl: r.get(8)?,
    })
}

impl ChatStore {
    /// A free local name for `display_name` among the user's contacts and requests:
    /// the name itself, else `name_1`, `name_2`, ... (the reference's suffix rule).
    pub fn free_local_name(&self, user_id: i64, display_name: &str) -> Result<String> {
        let db = self.db();
        let taken = |n: &str| -> rusqlite::Result<bool> {
            db.query_row(
                "SELECT EXISTS (SELECT 1 FROM contacts WHERE user_id = ?1 AND local_name = ?2)
                   OR EXISTS (SELECT 1 FROM contact_requests WHERE user_id = ?1 AND local_name = ?2)
                   OR EXISTS (SELECT 1 FROM users WHERE user_id = ?1 AND display_name = ?2)",
                params![user_id, n],
                |r| r.get(0),
            )
        };
        super::first_free_name(display_name, taken)
    }

    /// Adds a contact (not ready yet) with a free local name.
    pub fn add_contact(
        &self,
        user_id: i64,
        profile: &Profile,
        conn_id: &str,
        incognito: Option<&Profile>,
        now: i64,
    ) -> Result<Contact> {
        let name = self.free_local_name(user_id, &profile.display_name)?;
        let inc = incognito.map(serde_json::to_string).transpose()?;
        self.db().execute(
            "INSERT INTO contacts (user_id, local_name, profile, agent_conn_id, incognito_profile, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![user_id, name, serde_json::to_string(profile)?, conn_id, inc, now],
        )?;
        self.contact_by_conn(conn_id)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows.into())
    }

    /// The contact on an agent connection.
    pub fn contact_by_conn(&self, conn_id: &str) -> Result<Option<Contact>> {
        let c = self
            .db()
            .query_row(
                &format!("SELECT {CCOLS} FROM contacts WHERE agent_conn_id = ?1"),
                [conn_id],
                contact_row,
            )
            .optional()?;
        Ok(c)
    }

    /// The user's contact by local name.
    pub fn contact_by_name(&self, user_id: i64, name: &str) -> Result<Option<Contact>> {
        let c = self
            .db()
            .query_row(
                &format!("SELECT {CCOLS} FROM contacts WHERE user_id = ?1 AND local_name = ?2"),
                params![user_id, name],
                contact_row,
            )
            .optional()?;
        Ok(c)
    }

    /// A contact by id.
    pub fn contact(&self, contact_id: i64) -> Result<Option<Contact>> {
        let c = self
            .db()
            .query_row(
                &format!("SELECT {CCOLS} FROM contacts WHERE contact_id = ?1"),
                [contact_id],
                contact_row,
            )
            .optional()?;
        Ok(c)
    }

    /// The user's contacts by name.
    pub fn contacts(&self, user_id: i64) -> Result<Vec<Contact>> {
        let db = self.db();
        let mut stmt = db.prepare(&format!(
            "SELECT {CCOLS} FROM contacts WHERE user_id = ?1 ORDER BY local_name"
        ))?;
        let v = stmt
            .query_map([user_id], contact_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// Marks a contact's connection established.
    pub fn set_contact_ready(&self, contact_id: i64) -> Result<()> {
        self.db().execute(
            "UPDATE contacts SET ready = 1 WHERE contact_id = ?1",
            [contact_id],
        )?;
        Ok(())
    }

    /// Replaces a contact's profile.
    pub fn set_contact_profile(&self, contact_id: i64, profile: &Profile) -> Result<()> {
        self.db().execute(
            "UPDATE contacts SET profile = ?2 WHERE contact_id = ?1",
            params![contact_id, serde_json::to_string(profile)?],
        )?;
        Ok(())
    }

    /// Sets our disappearing-messages preference for a contact.
    pub fn set_contact_timed(&self, contact_id: i64, allow: bool, ttl: Option<i64>) -> Result<()> {
        self.db().execute(
            "UPDATE contacts SET timed_allow = ?2, timed_ttl = ?3 WHERE contact_id = ?1",
            params![contact_id, allow, ttl],
        )?;
        Ok(())
    }

    /// Deletes a contact with its items.
    pub fn delete_contact(&self, contact_id: i64) -> Result<()> {
        self.db()
            .execute("DELETE FROM contacts WHERE contact_id = ?1", [contact_id])?;
        Ok(())
    }

    /// Stores a contact request with a free local name.
    pub fn add_request(
        &self,
        user_id: i64,
        profile: &Profile,
        inv_id: &str,
        now: i64,
    ) -> Result<ContactRequest> {
        let name = self.free_local_name(user_id, &profile.display_name)?;
        self.db().execute(
            "INSERT INTO contact_requests (user_id, local_name, profile, agent_inv_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![user_id, name, serde_json::to_string(profile)?, inv_id, now],
        )?;
        self.request_by_name(user_id, &name)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows.into())
    }

    /// The user's contact request by local name.
    pub fn request_by_name(&self, user_id: i64, name: &str) -> Result<Option<ContactRequest>> {
        let r = self
            .db()
            .query_row(
                "SELECT request_id, local_name, profile, agent_inv_id FROM contact_requests
                 WHERE user_id = ?1 AND local_name = ?2",
                params![user_id, name],
                |r| {
                    Ok(ContactRequest {
                        request_id: r.get(0)?,
                        local_name: r.get(1)?,
                        profile: json_col(r, 2)?,
                        inv_id: r.get(3)?,
                    })
                },
            )
            .optional()?;
        Ok(r)
    }

    /// A contact request by id, with its user id.
    pub fn request(&self, request_id: i64) -> Result<Option<(i64, ContactRequest)>> {
        let found: Option<(i64, String)> = self
            .db()
            .query_row(
                "SELECT user_id, local_name FROM contact_requests WHERE request_id = ?1",
                [request_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((user_id, name)) = found else {
            return Ok(None);
        };
        Ok(self.request_by_name(user_id, &name)?.map(|r| (user_id, r)))
    }

    /// Deletes a contact request.
    pub fn delete_request(&self, request_id: i64) -> Result<()> {
        self.db().execute(
            "DELETE FROM contact_requests WHERE request_id = ?1",
            [request_id],
        )?;
        Ok(())
    }
}
