//! Files over XFTP, as the reference chat sends them:
//!
//! - **Sending** (`/f @contact PATH`, `/f #group PATH`): the offer goes first as an
//!   `x.msg.new` with a file invitation (name, size, an empty description part 0); the
//!   file is encrypted and uploaded in the background with one recipient description per
//!   recipient; each recipient then gets its description as `x.msg.file.descr` parts.
//!   The chunks stay on the relays until they expire; cancelling (`/fc`) deletes them
//!   and sends `x.file.cancel`.
//! - **Receiving**: the offer is stored; `/fr N [PATH]` (or automatic acceptance up to
//!   the configured size) reserves the target path; once the description is complete
//!   the file is downloaded, verified and decrypted in the background, then moved into
//!   place. `/fc` stops it (the file can be accepted again), `x.file.cancel` from the
//!   sender cancels it for good.
//! - `/fs N` shows the state and progress; `/xftp` shows or sets the user's relays.
//!
//! Background transfers report to [`file_loop`], which handles their results under the
//! engine lock like agent events.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use chat_proto::container::MsgContainer;
use chat_proto::content::MsgContent;
use chat_proto::event::ChatMsgEvent;
use chat_proto::file::{FileDescr, FileInvitation, XFTP_DESCR_PART_SIZE, split_file_descr};
use chat_proto::ids::SharedMsgId;
use chat_proto::role::GroupMemberRole;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use xftp_client::{ReceiveOptions, Relay, SendOptions, XftpPool};
use xftp_desc::{FileParty, ValidFileDescription};

use super::groups::at_least;
use super::{Inner, QuotedGroupItem};
use crate::error::{ChatError, Result};
use crate::files_command::{FileCommand, FileTarget};
use crate::files_output::FileOutput;
use crate::groups_output::GroupOutput;
use crate::output::ChatOutput;
use crate::profiles::random_bytes;
use crate::store::{FileRecord, FileStatus, GroupStatus, NewFile};

/// The largest file offered (the reference's `maxFileSize`, 1 GB).
pub const MAX_FILE_SIZE: u64 = 1024 * 1024 * 1024;

/// Extra size a description may declare over the offered size (the reference allows
/// 10 MB for encryption and chunk rounding).
const SIZE_MARGIN: u64 = 10 * 1024 * 1024;

/// The result of a background transfer.
#[derive(Debug)]
enum Done {
    Uploaded {
        file_id: i64,
        result: std::result::Result<xftp_client::SentFile, String>,
    },
    Downloaded {
        file_id: i64,
        result: std::result::Result<PathBuf, String>,
    },
}

/// Running transfers, their progress, and where finished transfers report.
pub(crate) struct FileState {
    pool: Arc<XftpPool>,
    progress: Arc<Mutex<HashMap<i64, (u64, u64)>>>,
    tasks: Mutex<HashMap<i64, AbortHandle>>,
    files_folder: Mutex<Option<PathBuf>>,
    done_tx: mpsc::UnboundedSender<Done>,
    done_rx: Mutex<Option<mpsc::UnboundedReceiver<Done>>>,
}

impl std::fmt::Debug for FileState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileState").finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FileState {
    /// No transfers yet; received files go to `files_folder` by default.
    pub(crate) fn new(files_folder: Option<PathBuf>) -> Self {
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        FileState {
            pool: Arc::new(XftpPool::new(xftp_client::ClientConfig::default())),
            progress: Arc::new(Mutex::new(HashMap::new())),
            tasks: Mutex::new(HashMap::new()),
            files_folder: Mutex::new(files_folder),
            done_tx,
            done_rx: Mutex::new(Some(done_rx)),
        }
    }

    fn stop(&self, file_id: i64) {
        if let Some(h) = lock(&self.tasks).remove(&file_id) {
            h.abort();
        }
        lock(&self.progress).remove(&file_id);
    }

    fn progress_fn(&self, file_id: i64) -> xftp_client::Progress {
        let progress = self.progress.clone();
        Arc::new(move |done, total| {
            lock(&progress).insert(file_id, (done, total));
        })
    }
}

/// Resumes interrupted transfers, then handles finished ones as they report.
pub(super) async fn file_loop(inner: Arc<Inner>) {
    let Some(mut rx) = lock(&inner.files.done_rx).take() else {
        return;
    };
    {
        let _one = inner.lock.lock().await;
        if let Err(e) = inner.resume_transfers() {
            inner.emit(ChatOutput::Error(super::error_text(&e)));
        }
    }
    while let Some(done) = rx.recv().await {
        let _one = inner.lock.lock().await;
        let (file_id, result) = match done {
            Done::Uploaded { file_id, result } => {
                (file_id, inner.upload_done(file_id, result).await)
            }
            Done::Downloaded { file_id, result } => (file_id, inner.download_done(file_id, result)),
        };
        let user = inner.store.file(file_id).ok().flatten().map(|f| f.user_id);
        match (result, user) {
            (Ok(outs), Some(user_id)) => inner.emit_user_outputs(user_id, outs),
            (Ok(_), None) => {}
            (Err(e), _) => inner.emit(ChatOutput::Error(super::error_text(&e))),
        }
    }
}

fn file_out(o: FileOutput) -> ChatOutput {
    ChatOutput::File(o)
}

fn prohibited(msg: impl Into<String>) -> ChatError {
    ChatError::Prohibited(msg.into())
}

/// Who offered a received file.
pub(super) struct RcvFrom<'a> {
    /// The direct chat.
    pub contact_id: Option<i64>,
    /// The group chat.
    pub group_id: Option<i64>,
    /// The sender's name (shown in outputs and stored with the file).
    pub name: &'a str,
}

/// Moves a file, copying when a rename is not possible (another file system).
fn move_file(from: &Path, to: &Path) -> std::io::Result<()> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)?;
    std::fs::remove_file(from)
}

/// The default folder for received files: `~/Downloads` when it exists, else the
/// current directory.
fn default_files_folder() -> PathBuf {
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join("Downloads"))
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| PathBuf::from("."))
}

impl Inner {
    pub(super) async fn file_command(&self, cmd: FileCommand) -> Result<Vec<ChatOutput>> {
        match cmd {
            FileCommand::Send { to, path } => {
                let content = MsgContent::File {
                    text: String::new(),
                };
                self.send_file(to, &path, content, None).await
            }
            FileCommand::Receive { file_id, path } => self.receive_file(file_id, path),
            FileCommand::Cancel(file_id) => self.cancel_file(file_id).await,
            FileCommand::Status(file_id) => {
                let f = self.user_file(file_id)?;
                let progress = lock(&self.files.progress).get(&file_id).copied();
                Ok(vec![file_out(FileOutput::Status { file: f, progress })])
            }
            FileCommand::XftpServers(list) => self.xftp_servers(list),
            FileCommand::FilesFolder(p) => {
                *lock(&self.files.files_folder) = Some(PathBuf::from(p));
                Ok(vec![file_out(FileOutput::Ok)])
            }
        }
    }

    /// A file of the active user.
    fn user_file(&self, file_id: i64) -> Result<FileRecord> {
        let user = self.active_user()?;
        self.store
            .file(file_id)?
            .filter(|f| f.user_id == user.user_id)
            .ok_or_else(|| prohibited(format!("file {file_id} not found")))
    }

    /// The user's XFTP relay addresses (stored, else the configured default).
    fn xftp_list(&self, user_id: i64) -> Result<Vec<String>> {
        Ok(self
            .store
            .xftp_servers(user_id)?
            .unwrap_or_else(|| self.config.xftp_servers.clone()))
    }

    fn xftp_relays(&self, user_id: i64) -> Result<Vec<Relay>> {
        let list = self.xftp_list(user_id)?;
        if list.is_empty() {
            return Err(prohibited(
                "no XFTP relays: set them with /xftp SERVERS or start with --xftp-server",
            ));
        }
        list.iter()
            .map(|s| {
                Relay::parse(s).map_err(|_| prohibited(format!("not an XFTP relay address: {s}")))
            })
            .collect()
    }

    fn xftp_servers(&self, list: Option<Vec<String>>) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        if let Some(list) = list {
            for s in &list {
                Relay::parse(s).map_err(|_| {
                    ChatError::BadCommand(format!("not an XFTP relay address: {s}"))
                })?;
            }
            self.store.set_xftp_servers(user.user_id, &list)?;
        }
        Ok(vec![file_out(FileOutput::XftpServers(
            self.xftp_list(user.user_id)?,
        ))])
    }

    /// Starts a background task for a transfer, stopped by [`FileState::stop`] or when
    /// the engine shuts down.
    fn spawn_transfer<F>(&self, file_id: i64, fut: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let h = tokio::spawn(fut);
        lock(&self.tasks).push(h.abort_handle());
        if let Some(old) = lock(&self.files.tasks).insert(file_id, h.abort_handle()) {
            old.abort();
        }
    }

    fn start_upload(&self, file_id: i64, path: PathBuf, relays: Vec<Relay>, n_recipients: usize) {
        let pool = self.files.pool.clone();
        let tx = self.files.done_tx.clone();
        let opts = SendOptions {
            n_recipients,
            redundancy: 1,
            tmp_dir: self.config.temp_folder.clone(),
            progress: Some(self.files.progress_fn(file_id)),
        };
        self.spawn_transfer(file_id, async move {
            let result = xftp_client::send_file(&pool, &path, &relays, &opts)
                .await
                .map_err(|e| e.to_string());
            let _ = tx.send(Done::Uploaded { file_id, result });
        });
    }

    /// Offers the file at `path` in a message with `content` (a file, or an image or
    /// voice preview with a caption) and uploads it.
    pub(super) async fn send_file(
        &self,
        to: FileTarget,
        path: &str,
        content: MsgContent,
        quoted: Option<i64>,
    ) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        let fs_path = self.fs_path(path);
        let meta = std::fs::metadata(&fs_path)
            .ok()
            .filter(|m| m.is_file())
            .ok_or_else(|| prohibited(format!("file not found: {path}")))?;
        if meta.len() > MAX_FILE_SIZE {
            return Err(prohibited(format!("file size exceeds the limit: {path}")));
        }
        let name = Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| prohibited(format!("file not found: {path}")))?
            .to_owned();
        let relays = self.xftp_relays(user.user_id)?;
        let (contact, group, peer, recipients) = match &to {
            FileTarget::Contact(n) => {
                let (_, c) = self.contact_named(n)?;
                if !c.ready {
                    return Err(ChatError::NotReady(c.local_name));
                }
                let r = vec![(c.conn_id.clone(), c.local_name.clone())];
                let peer = c.local_name.clone();
                (Some(c), None, peer, r)
            }
            FileTarget::Group(n) => {
                let (_, g) = self.group_named(n)?;
                if g.status != GroupStatus::Active {
                    return Err(prohibited(format!(
                        "#{}: you are not an active member",
                        g.local_name
                    )));
                }
                if !at_least(&g.role, &GroupMemberRole::Author) {
                    return Err(prohibited(format!(
                        "#{}: you don't have permission to send messages",
                        g.local_name
                    )));
                }
                let r: Vec<(String, String)> = self
                    .store
                    .members(g.group_id)?
                    .into_iter()
                    .filter(|m| m.connected())
                    .filter_map(|m| m.conn_id.clone().map(|c| (c, m.name().to_owned())))
                    .collect();
                if r.is_empty() {
                    return Err(prohibited(format!(
                        "#{}: no connected members to send the file to",
                        g.local_name
                    )));
                }
                let peer = format!("#{}", g.local_name);
                (None, Some(g), peer, r)
            }
        };
        let shared = random_bytes::<12>()?.to_vec();
        let size = i64::try_from(meta.len()).unwrap_or(i64::MAX);
        let file = self.store.add_file(
            &NewFile {
                user_id: user.user_id,
                sent: true,
                contact_id: contact.as_ref().map(|c| c.contact_id),
                group_id: group.as_ref().map(|g| g.group_id),
                peer: &peer,
                shared_msg_id: &shared,
                file_name: &name,
                file_size: size,
                xftp: true,
                file_path: Some(path),
                status: FileStatus::SndStored,
            },
            self.now(),
        )?;
        for (conn, rname) in &recipients {
            self.store.add_file_recipient(file.file_id, conn, rname)?;
        }
        let now = self.now();
        let mut container = MsgContainer::simple(content.clone());
        // a reply keeps its quote; a direct chat's timer applies, as for any message
        let (contact_quote, group_quote) = match (&contact, &group, quoted) {
            (Some(c), _, Some(qid)) => {
                let q = self
                    .store
                    .item(qid)?
                    .filter(|it| it.contact_id == c.contact_id)
                    .ok_or(ChatError::NoItem)?;
                container.quote = Some(super::messages::contact_quote(&q, now)?);
                (Some(q), None)
            }
            (_, Some(g), Some(qid)) => {
                let q = self.quoted_group_item(&user, g, QuotedGroupItem::Item(qid))?;
                let (msg, stored) = Self::group_quote(g, &q, &content)?;
                container.quote = Some(msg);
                (None, Some(stored))
            }
            _ => (None, None),
        };
        let ttl = contact.as_ref().and_then(super::messages::chat_ttl);
        container.ttl = ttl;
        container.file = Some(FileInvitation {
            file_name: name,
            file_size: size,
            file_digest: None,
            file_conn_req: None,
            file_inline: None,
            file_descr: Some(FileDescr {
                file_descr_text: String::new(),
                file_descr_part_no: 0,
                file_descr_complete: false,
            }),
        });
        // the offer is a chat item with the file, as the reference's sent file items
        let file_id = Some(file.file_id);
        let out = match (&group, &contact) {
            (Some(g), _) => {
                let item = self
                    .send_group_msg_new(g, shared, container, group_quote.as_ref(), file_id, now)
                    .await?;
                ChatOutput::Group(GroupOutput::NewItem {
                    group: g.local_name.clone(),
                    item,
                })
            }
            (None, Some(c)) => {
                let item = self
                    .send_contact_msg_new(
                        c,
                        shared,
                        container,
                        contact_quote.as_ref(),
                        file_id,
                        now,
                    )
                    .await?;
                ChatOutput::NewItem {
                    contact: peer,
                    item,
                }
            }
            (None, None) => return Err(ChatError::NoItem),
        };
        self.start_upload(file.file_id, fs_path, relays, recipients.len());
        Ok(vec![out])
    }

    /// Where a file to send is: a relative path is in the files folder when one is set
    /// (as the reference's `toFSFilePath`); the stored path stays as given.
    fn fs_path(&self, path: &str) -> PathBuf {
        match lock(&self.files.files_folder).as_ref() {
            Some(folder) => folder.join(path),
            None => PathBuf::from(path),
        }
    }

    /// The uploaded file's descriptions go to the recipients (or the upload failed).
    async fn upload_done(
        &self,
        file_id: i64,
        result: std::result::Result<xftp_client::SentFile, String>,
    ) -> Result<Vec<ChatOutput>> {
        self.files.stop(file_id);
        let Some(f) = self.store.file(file_id)? else {
            return Ok(Vec::new());
        };
        if !matches!(f.status, FileStatus::SndStored | FileStatus::SndTransfer) {
            // cancelled while uploading: remove what was uploaded
            if let Ok(sent) = result {
                self.delete_chunks(sent.sender);
            }
            return Ok(Vec::new());
        }
        let out = |what, error| {
            file_out(FileOutput::Uploading {
                what,
                file_id,
                name: f.file_name.clone(),
                to: f.peer.clone(),
                error,
            })
        };
        let sent = match result {
            Ok(s) => s,
            Err(e) => {
                self.store.set_file_status(file_id, FileStatus::SndError)?;
                return Ok(vec![out("error", Some(e))]);
            }
        };
        self.store.set_snd_descr(file_id, &sent.sender.to_yaml())?;
        let msg_id = SharedMsgId(f.shared_msg_id.clone());
        let mut outs = Vec::new();
        let done = if f.group_id.is_some() {
            "sent"
        } else {
            "complete"
        };
        let recipients = self.store.file_recipients(file_id)?;
        for (r, d) in recipients.iter().zip(&sent.recipients) {
            let mut ok = true;
            for part in split_file_descr(XFTP_DESCR_PART_SIZE, &d.to_yaml()) {
                let event = ChatMsgEvent::MsgFileDescr {
                    msg_id: msg_id.clone(),
                    file_descr: part,
                };
                if let Err(e) = self.send_event(f.user_id, &r.conn_id, None, event).await {
                    outs.push(ChatOutput::Error(format!(
                        "file {file_id}: the description could not be sent to {}: {}",
                        r.name,
                        super::error_text(&e)
                    )));
                    ok = false;
                    break;
                }
            }
            if ok {
                self.store
                    .set_file_recipient_status(file_id, &r.conn_id, done)?;
            }
        }
        self.store
            .set_file_status(file_id, FileStatus::SndComplete)?;
        outs.push(out("completed", None));
        Ok(outs)
    }

    /// Deletes a sent file's chunks from the relays (in the background).
    fn delete_chunks(&self, sender: ValidFileDescription) {
        let pool = self.files.pool.clone();
        let h = tokio::spawn(async move {
            if let Err(e) = xftp_client::delete_file(&pool, &sender).await {
                tracing::warn!(%e, "sent file chunks not deleted");
            }
        });
        lock(&self.tasks).push(h.abort_handle());
    }

    /// The file offered in an `x.msg.new` from a contact or a group member, stored as
    /// a received file; `None` when the message offers none, has no shared id or was
    /// already received (the message is then ignored). The caller stores the message's
    /// item, links the file to it, then calls [`Self::offered_file_accepted`].
    pub(super) fn rcv_file_offer(
        &self,
        user_id: i64,
        from: RcvFrom<'_>,
        shared: Option<&SharedMsgId>,
        container: &MsgContainer,
    ) -> Result<Option<FileRecord>> {
        let (Some(shared), Some(inv)) = (shared, container.file.as_ref()) else {
            return Ok(None);
        };
        if self
            .store
            .rcv_file_by_msg(user_id, from.contact_id, from.group_id, &shared.0)?
            .is_some()
        {
            return Ok(None);
        }
        let f = self.store.add_file(
            &NewFile {
                user_id,
                sent: false,
                contact_id: from.contact_id,
                group_id: from.group_id,
                peer: from.name,
                shared_msg_id: &shared.0,
                file_name: &inv.file_name,
                file_size: inv.file_size,
                xftp: inv.file_descr.is_some(),
                file_path: None,
                status: FileStatus::RcvInvitation,
            },
            self.now(),
        )?;
        let f = match &inv.file_descr {
            Some(d) if d.file_descr_part_no >= 1 => self
                .store
                .append_file_descr(
                    f.file_id,
                    d.file_descr_part_no,
                    &d.file_descr_text,
                    d.file_descr_complete,
                )?
                .unwrap_or(f),
            _ => f,
        };
        Ok(Some(f))
    }

    /// Accepts a just offered file automatically when it is within the configured size.
    pub(super) fn offered_file_accepted(
        &self,
        file: Option<&FileRecord>,
    ) -> Result<Vec<ChatOutput>> {
        let limit = self.config.auto_accept_file_size;
        match file {
            Some(f)
                if f.xftp && limit > 0 && u64::try_from(f.file_size).is_ok_and(|s| s <= limit) =>
            {
                self.accept_file(f, None)
            }
            _ => Ok(Vec::new()),
        }
    }

    /// A received file of a direct chat or group (`(contact, group)`) by the shared id
    /// of the message that offered it.
    fn rcv_file(
        &self,
        user_id: i64,
        chat: (Option<i64>, Option<i64>),
        msg_id: &SharedMsgId,
    ) -> Result<Option<FileRecord>> {
        self.store
            .rcv_file_by_msg(user_id, chat.0, chat.1, &msg_id.0)
    }

    /// An `x.msg.file.descr` part; the download starts when the description is complete
    /// and the file was accepted.
    pub(super) fn rcv_file_descr(
        &self,
        user_id: i64,
        chat: (Option<i64>, Option<i64>),
        msg_id: &SharedMsgId,
        part: &FileDescr,
    ) -> Result<Vec<ChatOutput>> {
        let Some(f) = self.rcv_file(user_id, chat, msg_id)? else {
            return Ok(Vec::new());
        };
        if f.status.finished() {
            return Ok(Vec::new());
        }
        let Some(f) = self.store.append_file_descr(
            f.file_id,
            part.file_descr_part_no,
            &part.file_descr_text,
            part.file_descr_complete,
        )?
        else {
            tracing::warn!(file_id = f.file_id, "file description part out of order");
            return Ok(Vec::new());
        };
        if f.descr_complete && f.status == FileStatus::RcvAccepted {
            return self.start_download(&f);
        }
        Ok(Vec::new())
    }

    /// An `x.file.cancel` from the sender.
    pub(super) fn rcv_file_cancel(
        &self,
        user_id: i64,
        chat: (Option<i64>, Option<i64>),
        msg_id: &SharedMsgId,
    ) -> Result<Vec<ChatOutput>> {
        let Some(f) = self.rcv_file(user_id, chat, msg_id)? else {
            return Ok(Vec::new());
        };
        if matches!(f.status, FileStatus::RcvComplete | FileStatus::RcvCancelled) {
            return Ok(Vec::new());
        }
        self.stop_receiving(&f);
        self.store
            .set_file_status(f.file_id, FileStatus::RcvCancelled)?;
        Ok(vec![file_out(FileOutput::SenderCancelled {
            file_id: f.file_id,
            name: f.file_name,
            from: f.peer,
        })])
    }

    /// `/fr N [PATH]`.
    fn receive_file(&self, file_id: i64, path: Option<String>) -> Result<Vec<ChatOutput>> {
        let f = self.user_file(file_id)?;
        if f.sent {
            return Err(prohibited(format!("file {file_id} is not a received file")));
        }
        match f.status {
            FileStatus::RcvInvitation => {}
            FileStatus::RcvCancelled => {
                return Err(prohibited(format!("file cancelled: {}", f.file_name)));
            }
            _ => {
                return Err(prohibited(format!(
                    "file is already being received: {}",
                    f.file_name
                )));
            }
        }
        if !f.xftp {
            return Err(prohibited(
                "accepting file via a separate connection is deprecated",
            ));
        }
        self.accept_file(&f, path)
    }

    /// Where a received file goes: `(path on this machine, path as shown)`.
    fn target_path(&self, name: &str, path: Option<String>) -> Result<(PathBuf, String)> {
        let name = xftp_client::receive::safe_file_name(name);
        let shown = |p: &Path| p.display().to_string();
        match path {
            Some(p) => {
                let pb = PathBuf::from(&p);
                if pb.is_dir() {
                    let u = xftp_client::unique_path(&pb, &name);
                    let s = shown(&u);
                    Ok((u, s))
                } else if pb.exists() {
                    Err(prohibited(format!("file already exists: {p}")))
                } else {
                    Ok((pb, p))
                }
            }
            None => match lock(&self.files.files_folder).clone() {
                Some(dir) => {
                    std::fs::create_dir_all(&dir)?;
                    let u = xftp_client::unique_path(&dir, &name);
                    let s = u
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or(name);
                    Ok((u, s))
                }
                None => {
                    let u = xftp_client::unique_path(&default_files_folder(), &name);
                    let s = shown(&u);
                    Ok((u, s))
                }
            },
        }
    }

    /// Accepts a file: reserves the target (an empty file) and starts the download if
    /// the description is complete.
    fn accept_file(&self, f: &FileRecord, path: Option<String>) -> Result<Vec<ChatOutput>> {
        let (fs_path, shown) = self.target_path(&f.file_name, path)?;
        std::fs::File::create(&fs_path)
            .map_err(|e| prohibited(format!("cannot write file {shown}: {e}")))?;
        let fs = fs_path.display().to_string();
        self.store
            .set_file_path(f.file_id, Some(&shown), Some(&fs))?;
        self.store
            .set_file_status(f.file_id, FileStatus::RcvAccepted)?;
        let mut outs = vec![file_out(FileOutput::Saving {
            file_id: f.file_id,
            from: f.peer.clone(),
            path: shown,
        })];
        if f.descr_complete {
            let f = self.store.file(f.file_id)?.ok_or(ChatError::NoItem)?;
            outs.extend(self.start_download(&f)?);
        }
        Ok(outs)
    }

    /// The directory a file is downloaded into before it is moved into place (beside
    /// the chat database, so an interrupted download resumes after a restart).
    fn download_dir(&self, file_id: i64) -> PathBuf {
        let base = match &self.config.temp_folder {
            Some(t) => t.join(format!(
                "{}_xftp_rcv",
                self.config
                    .db_prefix
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            )),
            None => super::with_suffix(&self.config.db_prefix, "_xftp_rcv"),
        };
        base.join(file_id.to_string())
    }

    fn start_download(&self, f: &FileRecord) -> Result<Vec<ChatOutput>> {
        let out = |what, error| {
            file_out(FileOutput::Receiving {
                what,
                file_id: f.file_id,
                name: f.file_name.clone(),
                from: f.peer.clone(),
                error,
            })
        };
        let descr = match ValidFileDescription::from_yaml(&f.descr_text)
            .and_then(|d| d.expect_party(FileParty::Recipient))
        {
            Ok(d) => d,
            Err(e) => {
                self.store
                    .set_file_status(f.file_id, FileStatus::RcvError)?;
                return Ok(vec![out(
                    "error",
                    Some(format!("invalid file description: {e}")),
                )]);
            }
        };
        let declared = descr
            .redirect
            .as_ref()
            .map_or(descr.size, |r| r.size.max(descr.size));
        let offered = u64::try_from(f.file_size).unwrap_or(0);
        if declared > offered.min(MAX_FILE_SIZE * 5) + SIZE_MARGIN {
            self.store
                .set_file_status(f.file_id, FileStatus::RcvError)?;
            return Ok(vec![out(
                "error",
                Some("declared file size exceeds the file invitation size".into()),
            )]);
        }
        self.store
            .set_file_status(f.file_id, FileStatus::RcvTransfer)?;
        let dir = self.download_dir(f.file_id);
        let pool = self.files.pool.clone();
        let tx = self.files.done_tx.clone();
        let opts = ReceiveOptions {
            progress: Some(self.files.progress_fn(f.file_id)),
        };
        let file_id = f.file_id;
        self.spawn_transfer(file_id, async move {
            let result = async {
                tokio::fs::create_dir_all(&dir).await?;
                xftp_client::receive_file(&pool, &descr, &dir, &opts).await
            }
            .await
            .map(|r| r.path)
            .map_err(|e: xftp_client::ClientError| e.to_string());
            let _ = tx.send(Done::Downloaded { file_id, result });
        });
        Ok(vec![out("started", None)])
    }

    /// The download finished: the file goes into place (or the failure is reported).
    fn download_done(
        &self,
        file_id: i64,
        result: std::result::Result<PathBuf, String>,
    ) -> Result<Vec<ChatOutput>> {
        self.files.stop(file_id);
        let dir = self.download_dir(file_id);
        let Some(f) = self.store.file(file_id)? else {
            return Ok(Vec::new());
        };
        if f.status != FileStatus::RcvTransfer {
            let _ = std::fs::remove_dir_all(&dir);
            return Ok(Vec::new());
        }
        let moved = result.and_then(|tmp| {
            let target = f
                .fs_path
                .as_ref()
                .ok_or_else(|| "no target path".to_owned())?;
            move_file(&tmp, Path::new(target)).map_err(|e| format!("moving the file: {e}"))
        });
        let _ = std::fs::remove_dir_all(&dir);
        let (what, error) = match moved {
            Ok(()) => {
                self.store
                    .set_file_status(file_id, FileStatus::RcvComplete)?;
                ("completed", None)
            }
            Err(e) => {
                if let Some(p) = &f.fs_path {
                    let _ = std::fs::remove_file(p);
                }
                self.store.set_file_status(file_id, FileStatus::RcvError)?;
                ("error", Some(e))
            }
        };
        Ok(vec![file_out(FileOutput::Receiving {
            what,
            file_id,
            name: f.file_name,
            from: f.peer,
            error,
        })])
    }

    /// Stops a download and removes what it wrote.
    fn stop_receiving(&self, f: &FileRecord) {
        self.files.stop(f.file_id);
        if matches!(f.status, FileStatus::RcvAccepted | FileStatus::RcvTransfer) {
            if let Some(p) = &f.fs_path {
                let _ = std::fs::remove_file(p);
            }
            let _ = std::fs::remove_dir_all(self.download_dir(f.file_id));
        }
    }

    /// `/fc N`.
    async fn cancel_file(&self, file_id: i64) -> Result<Vec<ChatOutput>> {
        let f = self.user_file(file_id)?;
        let refuse = |why: &str| {
            Err(prohibited(format!(
                "error cancelling file {file_id}: {why}"
            )))
        };
        if !f.sent {
            return match f.status {
                FileStatus::RcvCancelled => refuse("file already cancelled"),
                FileStatus::RcvComplete => refuse("file transfer is complete"),
                _ => {
                    self.stop_receiving(&f);
                    self.store.set_file_path(file_id, None, None)?;
                    self.store
                        .set_file_status(file_id, FileStatus::RcvInvitation)?;
                    Ok(vec![file_out(FileOutput::Receiving {
                        what: "cancelled",
                        file_id,
                        name: f.file_name,
                        from: f.peer,
                        error: None,
                    })])
                }
            };
        }
        if f.status == FileStatus::SndCancelled {
            return refuse("file already cancelled");
        }
        self.files.stop(file_id);
        self.store
            .set_file_status(file_id, FileStatus::SndCancelled)?;
        if let Some(d) = f
            .snd_descr
            .as_deref()
            .and_then(|y| ValidFileDescription::from_yaml(y).ok())
        {
            self.delete_chunks(d);
        }
        let event = ChatMsgEvent::FileCancel {
            msg_id: SharedMsgId(f.shared_msg_id.clone()),
        };
        match (f.contact_id, f.group_id) {
            (Some(cid), _) => {
                if let Some(c) = self.store.contact(cid)? {
                    self.send_event(f.user_id, &c.conn_id, None, event).await?;
                }
            }
            (None, Some(gid)) => {
                if let Some(g) = self.store.group(gid)? {
                    self.send_to_members(f.user_id, &g, None, event).await?;
                }
            }
            (None, None) => {}
        }
        let pending = self
            .store
            .file_recipients(file_id)?
            .into_iter()
            .filter(|r| r.status != "complete")
            .map(|r| r.name)
            .collect();
        Ok(vec![file_out(FileOutput::SndCancelled {
            file_id,
            name: f.file_name,
            pending,
        })])
    }

    /// After a start: downloads that were accepted or running start again (resuming
    /// from the chunks already downloaded); uploads that did not finish start over.
    fn resume_transfers(&self) -> Result<()> {
        for f in self
            .store
            .files_with_status(&[FileStatus::RcvAccepted, FileStatus::RcvTransfer])?
        {
            if f.descr_complete {
                let outs = self.start_download(&f)?;
                self.emit_user_outputs(f.user_id, outs);
            }
        }
        for f in self
            .store
            .files_with_status(&[FileStatus::SndStored, FileStatus::SndTransfer])?
        {
            let n = self.store.file_recipients(f.file_id)?.len();
            match (self.xftp_relays(f.user_id), &f.file_path) {
                (Ok(relays), Some(p)) if n > 0 => {
                    self.start_upload(f.file_id, self.fs_path(p), relays, n)
                }
                _ => self
                    .store
                    .set_file_status(f.file_id, FileStatus::SndError)?,
            }
        }
        Ok(())
    }
}
