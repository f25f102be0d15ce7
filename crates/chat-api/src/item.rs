//! Chat items and the chats they belong to (`ChatItem`, `CIMeta`, `CIDirection`,
//! `CIStatus`, `ChatInfo`, `AChatItem`, reactions and deletions).

use crate::common::UtcTime;
use crate::conn::PendingContactConnection;
use crate::contact::{Contact, UserContactRequest};
use crate::file::CIFile;
use crate::group::{GroupInfo, GroupMember};
use chat_proto::container::MsgReaction;
use chat_proto::content::MsgContent;
use chat_proto::role::GroupMemberRole;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::item_content::CIContent;

/// The kind of a chat (`ChatType`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChatType {
    /// A direct chat with a contact.
    Direct,
    /// A group.
    Group,
    /// The user's notes.
    Local,
}

/// The user's notes folder (`NoteFolder`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteFolder {
    /// The chat database id.
    pub note_folder_id: i64,
    /// The owner.
    pub user_id: i64,
    /// When it was created.
    pub created_at: UtcTime,
    /// When it last changed.
    pub updated_at: UtcTime,
    /// The time of the last note.
    pub chat_ts: UtcTime,
    /// Whether it is a favorite.
    #[serde(default)]
    pub favorite: bool,
    /// Whether it is marked unread.
    #[serde(default)]
    pub unread: bool,
}

/// The chat an item belongs to (`ChatInfo`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[allow(clippy::large_enum_variant)] // mirrors the reference; values are short-lived
pub enum ChatInfo {
    /// A direct chat.
    Direct {
        /// The contact.
        contact: Contact,
    },
    /// A group.
    Group {
        /// The group.
        group_info: GroupInfo,
    },
    /// The user's notes.
    Local {
        /// The folder.
        note_folder: NoteFolder,
    },
    /// A pending contact request.
    ContactRequest {
        /// The request.
        contact_request: UserContactRequest,
    },
    /// A pending connection.
    ContactConnection {
        /// The connection.
        contact_connection: PendingContactConnection,
    },
}

/// Who sent an item (`CIDirection`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CIDirection {
    /// Sent by the user in a direct chat.
    DirectSnd,
    /// Received in a direct chat.
    DirectRcv,
    /// Sent by the user in a group.
    GroupSnd,
    /// Received in a group from a member.
    GroupRcv {
        /// The sender.
        group_member: Box<GroupMember>,
    },
    /// Received in a channel as the channel.
    ChannelRcv,
    /// A note written by the user.
    LocalSnd,
    /// A note saved from elsewhere.
    LocalRcv,
}

/// Whether a sent message was delivered to all relays (`SndCIStatusProgress`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SndCIStatusProgress {
    /// To some.
    Partial,
    /// To all.
    Complete,
}

/// A delivery receipt's verdict (`MsgReceiptStatus`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MsgReceiptStatus {
    /// The message arrived intact.
    Ok,
    /// The message's hash did not match.
    BadMsgHash,
}

/// A relay-side error of a sent message or file (`SrvError`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SrvError {
    /// The host is wrong.
    Host,
    /// The version is not supported.
    Version,
    /// Something else.
    Other {
        /// Its description.
        srv_error: String,
    },
}

/// Why sending a message failed (`SndError`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SndError {
    /// The queue refused authorization.
    Auth,
    /// The queue is full.
    Quota,
    /// Sending timed out.
    Expired,
    /// The relay failed.
    Relay {
        /// How.
        srv_error: SrvError,
    },
    /// The proxy failed.
    Proxy {
        /// The proxy.
        proxy_server: String,
        /// How.
        srv_error: SrvError,
    },
    /// The relay behind the proxy failed.
    ProxyRelay {
        /// The proxy.
        proxy_server: String,
        /// How.
        srv_error: SrvError,
    },
    /// Something else.
    Other {
        /// Its description.
        snd_error: String,
    },
}

/// The delivery state of an item (`CIStatus`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CIStatus {
    /// Not yet sent.
    SndNew,
    /// Sent to the relay.
    SndSent {
        /// To all relays or some.
        snd_progress: SndCIStatusProgress,
    },
    /// Received by the peer.
    SndRcvd {
        /// The receipt's verdict.
        msg_rcpt_status: MsgReceiptStatus,
        /// To all or some.
        snd_progress: SndCIStatusProgress,
    },
    /// The peer's queue refused authorization.
    SndErrorAuth,
    /// Sending failed.
    SndError {
        /// Why.
        agent_error: SndError,
    },
    /// Sending is retried.
    SndWarning {
        /// Why.
        agent_error: SndError,
    },
    /// Received, unread.
    RcvNew,
    /// Received, read.
    RcvRead,
    /// A stored status that could not be read.
    Invalid {
        /// Its text.
        text: String,
    },
}

/// Why an item was deleted (`CIDeleted`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CIDeleted {
    /// Deleted by its sender.
    Deleted {
        /// When.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deleted_ts: Option<UtcTime>,
        /// The chat type.
        chat_type: ChatType,
    },
    /// Blocked by the user.
    Blocked {
        /// When.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deleted_ts: Option<UtcTime>,
    },
    /// Blocked by an admin.
    BlockedByAdmin {
        /// When.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deleted_ts: Option<UtcTime>,
    },
    /// Removed by a moderator.
    Moderated {
        /// When.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deleted_ts: Option<UtcTime>,
        /// The moderator.
        by_group_member: Box<GroupMember>,
    },
}

/// A disappearing item's timer (`CITimed`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CITimed {
    /// Time to live, seconds.
    pub ttl: i64,
    /// When it will be deleted (unset until read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_at: Option<UtcTime>,
}

/// An item's metadata (`CIMeta`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CIMeta {
    /// The chat database id of the item.
    pub item_id: i64,
    /// The item's time (sent or received).
    pub item_ts: UtcTime,
    /// The item's text as shown.
    pub item_text: String,
    /// Delivery state.
    pub item_status: CIStatus,
    /// Whether it was sent through a proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_via_proxy: Option<bool>,
    /// The message id shared by all copies (base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_shared_msg_id: Option<String>,
    /// Why it was deleted, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_deleted: Option<CIDeleted>,
    /// Whether it was edited.
    #[serde(default)]
    pub item_edited: bool,
    /// Its disappearing timer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_timed: Option<CITimed>,
    /// Whether it is a live message being typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_live: Option<bool>,
    /// Whether it mentions the user.
    #[serde(default)]
    pub user_mention: bool,
    /// Whether it has a link.
    #[serde(default)]
    pub has_link: bool,
    /// Whether the user can delete it for everyone.
    #[serde(default)]
    pub deletable: bool,
    /// Whether the user can edit it.
    #[serde(default)]
    pub editable: bool,
    /// The member that forwarded it, in groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarded_by_member: Option<i64>,
    /// Whether it is shown as sent by the group (channels).
    #[serde(default)]
    pub show_group_as_sender: bool,
    /// When it was stored.
    pub created_at: UtcTime,
    /// When it last changed.
    pub updated_at: UtcTime,
}

/// The member a mention points to (`CIMentionMember`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CIMentionMember {
    /// The member's database id.
    pub group_member_id: i64,
    /// The member's display name.
    pub display_name: String,
    /// The member's local alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_alias: Option<String>,
    /// The member's role.
    pub member_role: GroupMemberRole,
}

/// A mention in an item (`CIMention`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CIMention {
    /// The mentioned member's id (base64).
    pub member_id: String,
    /// The member, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_ref: Option<CIMentionMember>,
}

/// A quoted item (`CIQuote`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CIQuote {
    /// Who sent the quoted item, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_dir: Option<CIDirection>,
    /// The quoted item's id, if it is in this chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<i64>,
    /// The quoted message's shared id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_msg_id: Option<String>,
    /// When it was sent.
    pub sent_at: UtcTime,
    /// Its content.
    pub content: MsgContent,
}

/// One reaction with its count (`CIReactionCount`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CIReactionCount {
    /// The reaction.
    pub reaction: MsgReaction,
    /// Whether the user reacted so.
    #[serde(default)]
    pub user_reacted: bool,
    /// How many reacted so.
    pub total_reacted: i64,
}

/// A chat item (`ChatItem`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatItem {
    /// Who sent it.
    pub chat_dir: CIDirection,
    /// Its metadata.
    pub meta: CIMeta,
    /// Its content.
    pub content: CIContent,
    /// Mentions by display name.
    #[serde(default)]
    pub mentions: BTreeMap<String, CIMention>,
    /// The quoted item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_item: Option<CIQuote>,
    /// Reactions.
    #[serde(default)]
    pub reactions: Vec<CIReactionCount>,
    /// The attached file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<CIFile>,
}

/// A chat item with its chat (`AChatItem`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AChatItem {
    /// The chat.
    pub chat_info: ChatInfo,
    /// The item.
    pub chat_item: ChatItem,
}

/// A reaction to an item (`CIReaction`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CIReaction {
    /// Who reacted.
    pub chat_dir: CIDirection,
    /// The item reacted to.
    pub chat_item: ChatItem,
    /// When.
    pub sent_at: UtcTime,
    /// The reaction.
    pub reaction: MsgReaction,
}

/// A reaction with its chat (`ACIReaction`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ACIReaction {
    /// The chat.
    pub chat_info: ChatInfo,
    /// The reaction.
    pub chat_reaction: CIReaction,
}

/// One deleted item and what replaced it (`ChatItemDeletion`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatItemDeletion {
    /// The item as it was.
    pub deleted_chat_item: AChatItem,
    /// The item marked deleted, if it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_chat_item: Option<AChatItem>,
}

/// Unread counters of a chat (`ChatStats`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatStats {
    /// Unread items.
    pub unread_count: i64,
    /// Unread mentions of the user.
    pub unread_mentions: i64,
    /// Open member reports.
    pub reports_count: i64,
    /// The first unread item (0 if none).
    pub min_unread_item_id: i64,
    /// Whether the chat is marked unread.
    #[serde(default)]
    pub unread_chat: bool,
}

/// A chat with its latest items (`AChat`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AChat {
    /// The chat.
    pub chat_info: ChatInfo,
    /// Its latest items.
    pub chat_items: Vec<ChatItem>,
    /// Its counters.
    pub chat_stats: ChatStats,
}
