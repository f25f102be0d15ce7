//! Files sent and received over XFTP: one row per file (its state, where it is, the
//! received description parts), the recipients of a sent file, and each user's XFTP
//! relay list.

use rusqlite::{OptionalExtension, Row, params};

use super::ChatStore;
use crate::error::Result;

/// The state of a file transfer (the reference's `CIFileStatus` for XFTP files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    /// Sent: stored, the upload is starting.
    SndStored,
    /// Sent: uploading.
    SndTransfer,
    /// Sent: uploaded and the descriptions were sent.
    SndComplete,
    /// Sent: cancelled by the user.
    SndCancelled,
    /// Sent: the upload failed.
    SndError,
    /// Received: offered, not accepted.
    RcvInvitation,
    /// Received: accepted, waiting for the description.
    RcvAccepted,
    /// Received: downloading.
    RcvTransfer,
    /// Received: in place.
    RcvComplete,
    /// Received: the sender cancelled it.
    RcvCancelled,
    /// Received: the download failed.
    RcvError,
}

impl FileStatus {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        use FileStatus as S;
        match self {
            S::SndStored => "snd_stored",
            S::SndTransfer => "snd_transfer",
            S::SndComplete => "snd_complete",
            S::SndCancelled => "snd_cancelled",
            S::SndError => "snd_error",
            S::RcvInvitation => "rcv_invitation",
            S::RcvAccepted => "rcv_accepted",
            S::RcvTransfer => "rcv_transfer",
            S::RcvComplete => "rcv_complete",
            S::RcvCancelled => "rcv_cancelled",
            S::RcvError => "rcv_error",
        }
    }

    fn parse(s: &str) -> rusqlite::Result<FileStatus> {
        use FileStatus as S;
        Ok(match s {
            "snd_stored" => S::SndStored,
            "snd_transfer" => S::SndTransfer,
            "snd_complete" => S::SndComplete,
            "snd_cancelled" => S::SndCancelled,
            "snd_error" => S::SndError,
            "rcv_invitation" => S::RcvInvitation,
            "rcv_accepted" => S::RcvAccepted,
            "rcv_transfer" => S::RcvTransfer,
            "rcv_complete" => S::RcvComplete,
            "rcv_cancelled" => S::RcvCancelled,
            "rcv_error" => S::RcvError,
            _ => {
                return Err(rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unknown file status {s}").into(),
                ));
            }
        })
    }

    /// Whether the transfer is over (done, cancelled or failed).
    pub fn finished(self) -> bool {
        use FileStatus as S;
        matches!(
            self,
            S::SndComplete
                | S::SndCancelled
                | S::SndError
                | S::RcvComplete
                | S::RcvCancelled
                | S::RcvError
        )
    }
}

/// A sent or received file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    /// Row id: the number in `/fr N`, `/fc N`, `/fs N`.
    pub file_id: i64,
    /// The owning user.
    pub user_id: i64,
    /// Sent by the user (else received).
    pub sent: bool,
    /// The direct chat.
    pub contact_id: Option<i64>,
    /// The group chat.
    pub group_id: Option<i64>,
    /// Received: the sender's local name; sent: the contact's name or `#group`.
    pub peer: String,
    /// The shared id of the message that offered the file.
    pub shared_msg_id: Vec<u8>,
    /// The file name (as offered).
    pub file_name: String,
    /// The size in bytes (as offered).
    pub file_size: i64,
    /// Offered over XFTP (else a legacy SMP transfer, not supported).
    pub xftp: bool,
    /// Sent: the source path as given; received: the target path as shown.
    pub file_path: Option<String>,
    /// Received: where the file is written on this machine.
    pub fs_path: Option<String>,
    /// The transfer state.
    pub status: FileStatus,
    /// Received: the description parts joined so far.
    pub descr_text: String,
    /// Received: the number of the next description part.
    pub descr_next_part: i64,
    /// Received: the description is complete.
    pub descr_complete: bool,
    /// Sent: the sender description (YAML), to delete the chunks on cancel.
    pub snd_descr: Option<String>,
}

/// A file to store.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    /// The owning user.
    pub user_id: i64,
    /// Sent by the user.
    pub sent: bool,
    /// The direct chat.
    pub contact_id: Option<i64>,
    /// The group chat.
    pub group_id: Option<i64>,
    /// See [`FileRecord::peer`].
    pub peer: &'a str,
    /// The offering message's shared id.
    pub shared_msg_id: &'a [u8],
    /// The file name.
    pub file_name: &'a str,
    /// The size.
    pub file_size: i64,
    /// Over XFTP.
    pub xftp: bool,
    /// See [`FileRecord::file_path`].
    pub file_path: Option<&'a str>,
    /// The initial state.
    pub status: FileStatus,
}

/// A recipient of a sent file (a contact, or a group member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecipient {
    /// The agent connection the description goes to.
    pub conn_id: String,
    /// The recipient's name.
    pub name: String,
    /// `new`, `sent` (description sent) or `complete`.
    pub status: String,
}

const FCOLS: &str = "file_id, user_id, sent, contact_id, group_id, peer, shared_msg_id, \
    file_name, file_size, xftp, file_path, fs_path, status, descr_text, descr_next_part, \
    descr_complete, snd_descr";

fn file_row(r: &Row<'_>) -> rusqlite::Result<FileRecord> {
    let status: String = r.get(12)?;
    Ok(FileRecord {
        file_id: r.get(0)?,
        user_id: r.get(1)?,
        sent: r.get(2)?,
        contact_id: r.get(3)?,
        group_id: r.get(4)?,
        peer: r.get(5)?,
        shared_msg_id: r.get(6)?,
        file_name: r.get(7)?,
        file_size: r.get(8)?,
        xftp: r.get(9)?,
        file_path: r.get(10)?,
        fs_path: r.get(11)?,
        status: FileStatus::parse(&status)?,
        descr_text: r.get(13)?,
        descr_next_part: r.get(14)?,
        descr_complete: r.get(15)?,
        snd_descr: r.get(16)?,
    })
}

impl ChatStore {
    /// Stores a new file; returns it.
    pub fn add_file(&self, f: &NewFile<'_>, now: i64) -> Result<FileRecord> {
        let id = {
            let db = self.db();
            db.execute(
                "INSERT INTO files (user_id, sent, contact_id, group_id, peer, shared_msg_id,
                   file_name, file_size, xftp, file_path, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    f.user_id,
                    f.sent,
                    f.contact_id,
                    f.group_id,
                    f.peer,
                    f.shared_msg_id,
                    f.file_name,
                    f.file_size,
                    f.xftp,
                    f.file_path,
                    f.status.as_str(),
                    now
                ],
            )?;
            db.last_insert_rowid()
        };
        self.file(id)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows.into())
    }

    /// A file by id.
    pub fn file(&self, file_id: i64) -> Result<Option<FileRecord>> {
        let f = self
            .db()
            .query_row(
                &format!("SELECT {FCOLS} FROM files WHERE file_id = ?1"),
                [file_id],
                file_row,
            )
            .optional()?;
        Ok(f)
    }

    /// A received file of a direct chat (`contact_id`) or a group (`group_id`) by the
    /// shared id of the message that offered it.
    pub fn rcv_file_by_msg(
        &self,
        user_id: i64,
        contact_id: Option<i64>,
        group_id: Option<i64>,
        shared_msg_id: &[u8],
    ) -> Result<Option<FileRecord>> {
        let f = self
            .db()
            .query_row(
                &format!(
                    "SELECT {FCOLS} FROM files WHERE user_id = ?1 AND sent = 0 AND shared_msg_id = ?2
                       AND contact_id IS ?3 AND group_id IS ?4"
                ),
                params![user_id, shared_msg_id, contact_id, group_id],
                file_row,
            )
            .optional()?;
        Ok(f)
    }

    /// The files in one of these states (to resume transfers after a restart).
    pub fn files_with_status(&self, statuses: &[FileStatus]) -> Result<Vec<FileRecord>> {
        let db = self.db();
        let mut stmt = db.prepare(&format!(
            "SELECT {FCOLS} FROM files WHERE status = ?1 ORDER BY file_id"
        ))?;
        let mut out = Vec::new();
        for s in statuses {
            let rows = stmt
                .query_map([s.as_str()], file_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Sets a file's state.
    pub fn set_file_status(&self, file_id: i64, status: FileStatus) -> Result<()> {
        self.db().execute(
            "UPDATE files SET status = ?2 WHERE file_id = ?1",
            params![file_id, status.as_str()],
        )?;
        Ok(())
    }

    /// Sets a received file's path as shown and where it is on this machine.
    pub fn set_file_path(
        &self,
        file_id: i64,
        shown: Option<&str>,
        fs_path: Option<&str>,
    ) -> Result<()> {
        self.db().execute(
            "UPDATE files SET file_path = ?2, fs_path = ?3 WHERE file_id = ?1",
            params![file_id, shown, fs_path],
        )?;
        Ok(())
    }

    /// Keeps the sender description of a sent file.
    pub fn set_snd_descr(&self, file_id: i64, yaml: &str) -> Result<()> {
        self.db().execute(
            "UPDATE files SET snd_descr = ?2 WHERE file_id = ?1",
            params![file_id, yaml],
        )?;
        Ok(())
    }

    /// Appends part `part_no` of a received description when it is the next one;
    /// returns the file after the change (`None`: the part was out of order or the
    /// description was complete already).
    pub fn append_file_descr(
        &self,
        file_id: i64,
        part_no: i64,
        text: &str,
        complete: bool,
    ) -> Result<Option<FileRecord>> {
        let changed = self.db().execute(
            "UPDATE files SET descr_text = descr_text || ?3, descr_next_part = descr_next_part + 1,
               descr_complete = ?4
             WHERE file_id = ?1 AND descr_next_part = ?2 AND descr_complete = 0",
            params![file_id, part_no, text, complete],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        self.file(file_id)
    }

    /// Adds a recipient of a sent file.
    pub fn add_file_recipient(&self, file_id: i64, conn_id: &str, name: &str) -> Result<()> {
        self.db().execute(
            "INSERT OR IGNORE INTO file_recipients (file_id, agent_conn_id, name, status)
             VALUES (?1, ?2, ?3, 'new')",
            params![file_id, conn_id, name],
        )?;
        Ok(())
    }

    /// The recipients of a sent file, in the order they were added.
    pub fn file_recipients(&self, file_id: i64) -> Result<Vec<FileRecipient>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT agent_conn_id, name, status FROM file_recipients WHERE file_id = ?1 ORDER BY rowid",
        )?;
        let v = stmt
            .query_map([file_id], |r| {
                Ok(FileRecipient {
                    conn_id: r.get(0)?,
                    name: r.get(1)?,
                    status: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// Sets a recipient's state (`new`, `sent`, `complete`).
    pub fn set_file_recipient_status(
        &self,
        file_id: i64,
        conn_id: &str,
        status: &str,
    ) -> Result<()> {
        self.db().execute(
            "UPDATE file_recipients SET status = ?3 WHERE file_id = ?1 AND agent_conn_id = ?2",
            params![file_id, conn_id, status],
        )?;
        Ok(())
    }

    /// A user's XFTP relays (`None`: never set, the configured default applies).
    pub fn xftp_servers(&self, user_id: i64) -> Result<Option<Vec<String>>> {
        let s: Option<String> = self
            .db()
            .query_row(
                "SELECT xftp_servers FROM users WHERE user_id = ?1",
                [user_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(s.map(|s| s.split_whitespace().map(str::to_owned).collect()))
    }

    /// Sets a user's XFTP relays.
    pub fn set_xftp_servers(&self, user_id: i64, servers: &[String]) -> Result<()> {
        self.db().execute(
            "UPDATE users SET xftp_servers = ?2 WHERE user_id = ?1",
            params![user_id, servers.join(" ")],
        )?;
        Ok(())
    }
}
