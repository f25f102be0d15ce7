//! The file side of [`BotApi`]: files sent with `/_send` (a composed message with a
//! `filePath`), `/freceive` answered with `rcvFileAccepted`, and file outputs as API
//! events (`rcvFileAccepted`, `rcvFileStart`, `rcvFileComplete`, `sndFileCompleteXFTP`).
//!
//! Not emitted: `rcvFileDescrReady` (it carries the agent's receive transfer, which
//! this engine does not keep), errors and warnings of transfers.

use chat_api::command::ComposedMessage;
use chat_api::errors::StoreError;
use chat_api::file::FileTransferMeta;
use chat_api::item::AChatItem;
use chat_api::{ChatEvent, ChatResponse};

use super::api::{ApiError, BotApi};
use super::convert;
use crate::files_command::FileTarget;
use crate::files_output::FileOutput;
use crate::groups_output::GroupOutput;
use crate::output::ChatOutput;
use crate::store;

impl BotApi {
    /// The chat item that offers file `file_id` of user `u`, as the API's item.
    pub(super) fn file_item(&self, u: &store::User, file_id: i64) -> Result<AChatItem, ApiError> {
        let not_found = || ApiError::store(StoreError::FileNotFound { file_id });
        let f = self
            .db(self.store().file(file_id))?
            .filter(|f| f.user_id == u.user_id)
            .ok_or_else(not_found)?;
        if let Some(it) = self.db(self.store().item_by_file(file_id))? {
            let c = self
                .db(self.store().contact(it.contact_id))?
                .ok_or_else(not_found)?;
            return self.item(&c, &it);
        }
        let it = self
            .db(self.store().group_item_by_file(file_id))?
            .ok_or_else(not_found)?;
        let g = f
            .group_id
            .map(|id| self.db(self.store().group(id)))
            .transpose()?
            .flatten()
            .ok_or_else(not_found)?;
        self.group_item(u, &g, &it)
    }

    /// Sends the composed message `m` with its file (`filePath`, relative to the files
    /// folder when one is set) to `to`; a file with `cryptoArgs` is refused.
    pub(super) async fn send_composed_file(
        &self,
        to: FileTarget,
        m: &ComposedMessage,
    ) -> Result<Vec<ChatOutput>, ApiError> {
        let source = m.file_source.as_ref();
        if source.is_some_and(|s| s.crypto_args.is_some()) {
            // locally encrypted files (cryptoArgs) are not supported: refused rather
            // than sent as their ciphertext
            return Err(super::api::command_error(
                "sending locally encrypted files (cryptoArgs) is not supported".to_owned(),
            ));
        }
        let path = source.map(|s| s.file_path.clone()).unwrap_or_default();
        let outs = self
            .chat()
            .send_file(to, &path, m.msg_content.clone(), m.quoted_item_id)
            .await;
        self.db(outs)
    }

    /// Sends the composed message `m` with its file to `to` (as
    /// [`Self::send_composed_file`]) and returns the sent items as the API's items.
    pub(super) async fn send_file_items(
        &self,
        u: &store::User,
        to: FileTarget,
        m: &ComposedMessage,
    ) -> Result<Vec<AChatItem>, ApiError> {
        let outs = self.send_composed_file(to, m).await?;
        self.new_items(u, &outs)
    }

    /// The new items (direct and group) among engine outputs, as the API's items.
    pub(super) fn new_items(
        &self,
        u: &store::User,
        outs: &[ChatOutput],
    ) -> Result<Vec<AChatItem>, ApiError> {
        let mut items = Vec::new();
        for o in outs {
            match o {
                ChatOutput::NewItem { item, .. } => {
                    if let Some(c) = self.db(self.store().contact(item.contact_id))? {
                        items.push(self.item(&c, item)?);
                    }
                }
                ChatOutput::Group(GroupOutput::NewItem { item, .. }) => {
                    if let Some(g) = self.db(self.store().group(item.group_id))? {
                        items.push(self.group_item(u, &g, item)?);
                    }
                }
                _ => {}
            }
        }
        Ok(items)
    }

    /// The API event of a file output of user `u`, if bots see it.
    pub(super) fn file_event(
        &self,
        u: &store::User,
        out: &FileOutput,
    ) -> Result<Option<ChatEvent>, ApiError> {
        let file_id = match out {
            FileOutput::Saving { file_id, .. }
            | FileOutput::Receiving { file_id, .. }
            | FileOutput::Uploading { file_id, .. } => *file_id,
            _ => return Ok(None),
        };
        // files offered before items had files (migration 0006) have no item: no event
        let (Ok(chat_item), Some(f)) = (
            self.file_item(u, file_id),
            self.db(self.store().file(file_id))?,
        ) else {
            return Ok(None);
        };
        let user = convert::user(u);
        Ok(Some(match out {
            FileOutput::Saving { .. } => ChatEvent::RcvFileAccepted { user, chat_item },
            FileOutput::Receiving {
                what: "started", ..
            } => ChatEvent::RcvFileStart { user, chat_item },
            FileOutput::Receiving {
                what: "completed", ..
            } => ChatEvent::RcvFileComplete { user, chat_item },
            FileOutput::Uploading {
                what: "completed", ..
            } => ChatEvent::SndFileCompleteXftp {
                user,
                chat_item,
                file_transfer_meta: transfer_meta(&f),
            },
            _ => return Ok(None),
        }))
    }
}

/// A sent file as the API's `FileTransferMeta` (no agent upload record and no chunk
/// size are kept: the XFTP part is omitted and the chunk size is zero).
fn transfer_meta(f: &store::FileRecord) -> FileTransferMeta {
    FileTransferMeta {
        file_id: f.file_id,
        xftp_snd_file: None,
        xftp_redirect_for: None,
        file_name: f.file_name.clone(),
        file_path: f.file_path.clone().unwrap_or_default(),
        file_size: f.file_size,
        file_inline: None,
        chunk_size: 0,
        cancelled: false,
    }
}

/// The response to `/freceive` (and to `/fr`) from the event of its first output.
pub(super) fn accepted_response(ev: ChatEvent) -> Option<ChatResponse> {
    match ev {
        ChatEvent::RcvFileAccepted { user, chat_item } => {
            Some(ChatResponse::RcvFileAccepted { user, chat_item })
        }
        _ => None,
    }
}
