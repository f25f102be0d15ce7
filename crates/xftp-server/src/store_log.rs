//! The append-only store log (`Server/StoreLog.hs`), in the reference's text format so a
//! log can move between implementations. One record a line:
//!
//! ```text
//! FNEW <senderId> <sndKey> <size> <digest> <createdAt> <active|blocked,reason=..|off>
//! FPUT <senderId> <path>
//! FADD <senderId> <recipientId>:<key>[,<recipientId>:<key>...]
//! FDEL <senderId>
//! FBLK <senderId> reason=<spam|content>[,notice=<json>]
//! FACK <recipientId>
//! ```
//!
//! Ids, keys (DER SubjectPublicKeyInfo) and digests are base64url with padding. At start
//! the log is replayed into a [`FileStore`] and rewritten with only the live records.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use simplex_crypto::keys::PublicAuthKey;
use simplex_encoding::{Reader, base64url};
use smp_proto::error::BlockingInfo;
use xftp_proto::{FileInfo, XftpErrorType};

use crate::error::ServerError;
use crate::store::{FileStatus, FileStore};

/// One change of the store.
// Records are short-lived (written or applied at once): their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogRecord {
    /// A chunk was created.
    AddFile {
        /// Sender id.
        sender_id: Vec<u8>,
        /// Sender key, size and digest.
        info: FileInfo,
        /// Rounded creation time.
        created_at: i64,
        /// Status.
        status: FileStatus,
    },
    /// A chunk was uploaded to this path.
    PutFile(Vec<u8>, PathBuf),
    /// Recipients were added to a chunk.
    AddRecipients(Vec<u8>, Vec<(Vec<u8>, PublicAuthKey)>),
    /// A chunk was deleted (or expired).
    DeleteFile(Vec<u8>),
    /// A chunk was blocked.
    BlockFile(Vec<u8>, BlockingInfo),
    /// A recipient acknowledged its download.
    AckFile(Vec<u8>),
}

fn b64(b: &[u8]) -> String {
    base64url::encode(b)
}

fn key_text(k: &PublicAuthKey) -> String {
    b64(&k.to_spki())
}

/// `BlockingInfo`'s text is the payload of `ERR BLOCKED`; xftp-proto owns that form.
const BLOCKED_WORD: &str = "BLOCKED ";

fn blocking_text(info: &BlockingInfo) -> String {
    let mut b = Vec::new();
    XftpErrorType::Blocked(info.clone()).encode(&mut b);
    let text = String::from_utf8_lossy(&b).into_owned();
    text.strip_prefix(BLOCKED_WORD)
        .map(str::to_owned)
        .unwrap_or(text)
}

fn parse_blocking(s: &str) -> Option<BlockingInfo> {
    let text = format!("{BLOCKED_WORD}{s}");
    match XftpErrorType::parse(&mut Reader::new(text.as_bytes())) {
        Ok(XftpErrorType::Blocked(i)) => Some(i),
        _ => None,
    }
}

impl LogRecord {
    /// The record's line (without the newline).
    pub fn to_line(&self) -> String {
        match self {
            LogRecord::AddFile {
                sender_id,
                info,
                created_at,
                status,
            } => {
                let status = match status {
                    FileStatus::Active => "active".to_owned(),
                    FileStatus::Blocked(i) => format!("blocked,{}", blocking_text(i)),
                    FileStatus::Off => "off".to_owned(),
                };
                let (key, digest) = (key_text(&info.snd_key), b64(&info.digest));
                format!(
                    "FNEW {} {key} {} {digest} {created_at} {status}",
                    b64(sender_id),
                    info.size
                )
            }
            LogRecord::PutFile(sid, path) => format!("FPUT {} {}", b64(sid), path.display()),
            LogRecord::AddRecipients(sid, rs) => {
                let list: Vec<String> = rs
                    .iter()
                    .map(|(rid, k)| format!("{}:{}", b64(rid), key_text(k)))
                    .collect();
                format!("FADD {} {}", b64(sid), list.join(","))
            }
            LogRecord::DeleteFile(sid) => format!("FDEL {}", b64(sid)),
            LogRecord::BlockFile(sid, info) => format!("FBLK {} {}", b64(sid), blocking_text(info)),
            LogRecord::AckFile(rid) => format!("FACK {}", b64(rid)),
        }
    }

    /// Parses a line.
    pub fn parse(line: &str) -> Result<Self, ServerError> {
        let bad = || {
            ServerError::StoreLog(format!(
                "bad record: {}",
                line.chars().take(100).collect::<String>()
            ))
        };
        let (tag, rest) = line.split_once(' ').ok_or_else(bad)?;
        let id = |s: &str| base64url::decode(s).map_err(|_| bad());
        let key = |s: &str| {
            let der = base64url::decode(s).map_err(|_| bad())?;
            PublicAuthKey::from_spki(&der).map_err(|_| bad())
        };
        let blocking = |s: &str| parse_blocking(s).ok_or_else(bad);
        Ok(match tag {
            "FNEW" => {
                let f: Vec<&str> = rest.split(' ').collect();
                let (sid, k, size, digest, at) = match f.as_slice() {
                    [a, b, c, d, e] | [a, b, c, d, e, _] => (*a, *b, *c, *d, *e),
                    _ => return Err(bad()),
                };
                let status = match f.get(5) {
                    None | Some(&"active") => FileStatus::Active,
                    Some(&"off") => FileStatus::Off,
                    Some(s) => {
                        FileStatus::Blocked(blocking(s.strip_prefix("blocked,").ok_or_else(bad)?)?)
                    }
                };
                LogRecord::AddFile {
                    sender_id: id(sid)?,
                    info: FileInfo {
                        snd_key: key(k)?,
                        size: size.parse().map_err(|_| bad())?,
                        digest: id(digest)?,
                    },
                    created_at: at.parse().map_err(|_| bad())?,
                    status,
                }
            }
            "FPUT" => {
                let (sid, path) = rest.split_once(' ').ok_or_else(bad)?;
                LogRecord::PutFile(id(sid)?, PathBuf::from(path))
            }
            "FADD" => {
                let (sid, list) = rest.split_once(' ').ok_or_else(bad)?;
                let rs = list
                    .split(',')
                    .map(|r| {
                        let (rid, k) = r.split_once(':').ok_or_else(bad)?;
                        Ok((id(rid)?, key(k)?))
                    })
                    .collect::<Result<Vec<_>, ServerError>>()?;
                LogRecord::AddRecipients(id(sid)?, rs)
            }
            "FDEL" => LogRecord::DeleteFile(id(rest)?),
            "FBLK" => {
                let (sid, info) = rest.split_once(' ').ok_or_else(bad)?;
                LogRecord::BlockFile(id(sid)?, blocking(info)?)
            }
            "FACK" => LogRecord::AckFile(id(rest)?),
            _ => return Err(bad()),
        })
    }

    /// Applies the record to a store (as the reference's `readFileStore`).
    pub fn apply(self, st: &mut FileStore) -> Result<(), ServerError> {
        let refused = |what: &str| ServerError::StoreLog(format!("{what} refused"));
        match self {
            LogRecord::AddFile { info, .. } if info.size == 0 => Err(refused("empty FNEW")),
            LogRecord::AddFile {
                sender_id,
                info,
                created_at,
                status,
            } => st
                .add_file(&sender_id, info, created_at, status)
                .map_err(|_| refused("FNEW")),
            LogRecord::PutFile(sid, path) => st.set_path(&sid, path).map_err(|_| refused("FPUT")),
            LogRecord::AddRecipients(sid, rs) => rs.into_iter().try_for_each(|(rid, k)| {
                st.add_recipient(&sid, &rid, k).map_err(|_| refused("FADD"))
            }),
            LogRecord::DeleteFile(sid) => st
                .delete_file(&sid)
                .map(drop)
                .ok_or_else(|| refused("FDEL")),
            LogRecord::BlockFile(sid, info) => {
                st.block_file(&sid, info).map_err(|_| refused("FBLK"))
            }
            LogRecord::AckFile(rid) => st.ack(&rid).map_err(|_| refused("FACK")),
        }
    }
}

/// The records that recreate the live state of a store.
pub fn snapshot(st: &FileStore) -> Vec<LogRecord> {
    let mut out = Vec::new();
    for f in st.files() {
        out.push(LogRecord::AddFile {
            sender_id: f.sender_id.clone(),
            info: f.info.clone(),
            created_at: f.created_at,
            status: f.status.clone(),
        });
        let rs: Vec<_> = f
            .recipients
            .iter()
            .filter_map(|r| st.recipient_key(r).map(|k| (r.clone(), k.clone())))
            .collect();
        if !rs.is_empty() {
            out.push(LogRecord::AddRecipients(f.sender_id.clone(), rs));
        }
        if let Some(p) = &f.path {
            out.push(LogRecord::PutFile(f.sender_id.clone(), p.clone()));
        }
    }
    out
}

/// An open store log, appending one line per change.
#[derive(Debug)]
pub struct StoreLog {
    file: File,
}

impl StoreLog {
    /// Replays the log at `path` (if it exists) into a new store, rewrites the log with
    /// only live records and opens it for appending. Unparsable or refused lines are
    /// reported and skipped, as the reference does.
    pub fn open(path: &Path) -> Result<(FileStore, StoreLog), ServerError> {
        let mut st = FileStore::new();
        if path.exists() {
            let io = |e| ServerError::io(path, e);
            let reader = BufReader::new(File::open(path).map_err(io)?);
            for line in reader.lines() {
                let line = line.map_err(io)?;
                if line.is_empty() {
                    continue;
                }
                if let Err(e) = LogRecord::parse(&line).and_then(|r| r.apply(&mut st)) {
                    tracing::warn!("store log: {e}");
                }
            }
        }
        compact(path, &st)?;
        let file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| ServerError::io(path, e))?;
        Ok((st, StoreLog { file }))
    }

    /// Appends a record.
    pub fn write(&mut self, r: &LogRecord) -> std::io::Result<()> {
        let mut line = r.to_line();
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.flush()
    }
}

fn compact(path: &Path, st: &FileStore) -> Result<(), ServerError> {
    let tmp = path.with_extension("log.tmp");
    let io = |e| ServerError::io(&tmp, e);
    let mut f = File::create(&tmp).map_err(io)?;
    for r in snapshot(st) {
        writeln!(f, "{}", r.to_line()).map_err(io)?;
    }
    f.sync_all().map_err(io)?;
    fs::rename(&tmp, path).map_err(|e| ServerError::io(path, e))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use simplex_crypto::AuthAlgorithm;
    use simplex_crypto::keys::PrivateAuthKey;
    use smp_proto::error::BlockingReason;

    fn key() -> PublicAuthKey {
        PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rand::rng())
            .unwrap()
            .public()
    }

    fn records() -> Vec<LogRecord> {
        let sid = vec![1u8; 16];
        let info = FileInfo {
            snd_key: key(),
            size: 65536,
            digest: vec![2; 32],
        };
        let blocked = BlockingInfo {
            reason: BlockingReason::Content,
            notice: None,
        };
        vec![
            LogRecord::AddFile {
                sender_id: sid.clone(),
                info: info.clone(),
                created_at: 1_700_000_000,
                status: FileStatus::Active,
            },
            LogRecord::AddFile {
                sender_id: sid.clone(),
                info,
                created_at: 0,
                status: FileStatus::Blocked(blocked.clone()),
            },
            LogRecord::PutFile(sid.clone(), PathBuf::from("/srv/files/AQEBAQ==")),
            LogRecord::AddRecipients(
                sid.clone(),
                vec![(vec![3; 16], key()), (vec![4; 16], key())],
            ),
            LogRecord::DeleteFile(sid.clone()),
            LogRecord::BlockFile(sid, blocked),
            LogRecord::AckFile(vec![3; 16]),
        ]
    }

    #[test]
    fn records_round_trip_as_text_lines() {
        for r in records() {
            let line = r.to_line();
            assert!(!line.contains('\n'));
            assert_eq!(LogRecord::parse(&line).unwrap(), r, "{line}");
        }
    }

    /// The layout of `FileStoreLogRecord`'s `strEncode` (FileTransfer/Server/StoreLog.hs):
    /// space-separated fields, base64url ids, keys and digests, and an FNEW without a
    /// status (older logs) meaning active.
    #[test]
    fn reference_layout() {
        let r = &records()[0];
        let line = r.to_line();
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields[0], "FNEW");
        assert_eq!(fields[1], "AQEBAQEBAQEBAQEBAQEBAQ==");
        assert_eq!(
            fields[3..],
            [
                "65536",
                &base64url::encode(&[2; 32]),
                "1700000000",
                "active"
            ]
        );
        let old = fields[..6].join(" ");
        assert_eq!(&LogRecord::parse(&old).unwrap(), r);
        let blk = records()[5].to_line();
        assert!(blk.ends_with(" reason=content"), "{blk}");
        let add = records()[3].to_line();
        assert_eq!(add.matches(',').count(), 1);
        assert_eq!(add.matches(':').count(), 2);
    }

    #[test]
    fn garbage_lines_are_refused() {
        for bad in [
            "",
            "FNEW",
            "FNEW x y z",
            "FNEW AQ== AQ== 1 AQ== 0 maybe",
            "FPUT",
            "FADD AQ== nocolon",
            "FBLK AQ== reason=other",
            "FACK %%%",
            "XXXX AQ==",
        ] {
            assert!(LogRecord::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn replay_skips_refused_records_and_compacts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let mut lines: Vec<String> = records()[..4].iter().map(LogRecord::to_line).collect();
        lines.remove(1); // a duplicate FNEW would be refused anyway
        lines.push("garbage line".into());
        lines.push(LogRecord::AckFile(vec![3; 16]).to_line());
        lines.push(LogRecord::AckFile(vec![9; 16]).to_line()); // unknown recipient
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let (st, _log) = StoreLog::open(&path).unwrap();
        let f = st.file(&[1; 16]).unwrap();
        assert_eq!(f.recipients.len(), 1);
        assert!(f.path.is_some());
        let compacted = std::fs::read_to_string(&path).unwrap();
        let tags: Vec<&str> = compacted.lines().map(|l| &l[..4]).collect();
        assert_eq!(tags, ["FNEW", "FADD", "FPUT"]);
    }
}
