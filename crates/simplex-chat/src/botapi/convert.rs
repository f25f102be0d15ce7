//! The engine's stored records as the bot API's JSON types (`chat-api`): users,
//! contacts, contact requests and chat items.
//!
//! The store keeps fewer details than the reference (timestamps only on chat items,
//! one connection per contact), so the other timestamps are the conversion time `t`
//! and connection counters are zero.

use std::collections::BTreeMap;

use chat_api::address::{AddressSettings, AutoAccept, UserContactLink};
use chat_api::common::{
    ChatSettings, ContactUserPref, ContactUserPreference, ContactUserPreferences, CreatedConnLink,
    FeaturePref, FullPreferences, PrefEnabled, UtcTime, VersionRange,
};
use chat_api::conn::{ConnStatus, ConnType, Connection};
use chat_api::contact::{Contact, ContactStatus, UserContactRequest};
use chat_api::file::{CIFile, CIFileStatus, CryptoFile, FileError, FileProtocol};
use chat_api::item::{
    AChatItem, CIContent, CIDeleted, CIDirection, CIMeta, CIQuote, CIReactionCount, CIStatus,
    CITimed, ChatInfo, ChatItem, ChatType, MsgReceiptStatus, SndCIStatusProgress,
};
use chat_api::user::{LocalProfile, User};
use chat_proto::container::MsgReaction;
use chat_proto::content::MsgContent;
use chat_proto::prefs::{FeatureAllowed, Preferences, TimedMessagesPreference};
use chat_proto::version::SUPPORTED_CHAT_VRANGE;

use crate::store;

/// A unix time as the API's timestamp.
pub fn utc(secs: i64) -> Option<UtcTime> {
    UtcTime::from_unix(secs, 0)
}

/// The chat protocol versions this engine supports, as the API writes them.
pub fn chat_vrange() -> VersionRange {
    VersionRange {
        min_version: SUPPORTED_CHAT_VRANGE.min(),
        max_version: SUPPORTED_CHAT_VRANGE.max(),
    }
}

/// A stored user as the API's `User`.
pub fn user(u: &store::User) -> User {
    let profile = chat_proto::profile::Profile {
        full_name: u.full_name.clone(),
        contact_link: u.address_short_link.clone(),
        ..chat_proto::profile::Profile::from_name(&u.display_name)
    };
    User {
        user_id: u.user_id,
        agent_user_id: 1,
        user_contact_id: u.user_id,
        local_display_name: u.display_name.clone(),
        profile: LocalProfile::new(u.user_id, profile),
        full_preferences: FullPreferences::default(),
        active_user: u.active,
        active_order: u.user_id,
        view_pwd_hash: None,
        show_ntfs: true,
        send_rcpts_contacts: true,
        send_rcpts_small_groups: false,
        auto_accept_member_contacts: false,
        user_member_profile_updated_at: None,
        user_chat_relay: false,
        client_service: false,
    }
}

/// The user's address (`UserContactLink`), if it has one.
pub fn address(u: &store::User) -> Option<UserContactLink> {
    let link = u.address_link.clone()?;
    Some(UserContactLink {
        user_contact_link_id: u.user_id,
        conn_link_contact: CreatedConnLink {
            conn_full_link: link,
            conn_short_link: u.address_short_link.clone(),
        },
        short_link_data_set: false,
        short_link_large_data_set: false,
        address_settings: AddressSettings {
            business_address: false,
            auto_accept: u.auto_accept.then_some(AutoAccept {
                accept_incognito: u.auto_accept_incognito,
            }),
            auto_reply: None,
        },
    })
}

fn merged_preferences(c: &store::Contact) -> ContactUserPreferences {
    let defaults = FullPreferences::default();
    let same = |p: &FeaturePref| {
        let on = !matches!(p.allow, FeatureAllowed::No);
        ContactUserPreference {
            enabled: PrefEnabled {
                for_user: on,
                for_contact: on,
            },
            user_preference: ContactUserPref::User {
                preference: p.clone(),
            },
            contact_preference: p.clone(),
        }
    };
    let timed = FeaturePref {
        allow: if c.timed_allow {
            FeatureAllowed::Yes
        } else {
            FeatureAllowed::No
        },
        ttl: None,
    };
    ContactUserPreferences {
        timed_messages: ContactUserPreference {
            enabled: PrefEnabled {
                for_user: c.timed_allow,
                for_contact: c.timed_allow,
            },
            user_preference: ContactUserPref::User {
                preference: timed.clone(),
            },
            contact_preference: timed,
        },
        full_delete: same(&defaults.full_delete),
        reactions: same(&defaults.reactions),
        voice: same(&defaults.voice),
        files: same(&defaults.files),
        calls: same(&defaults.calls),
        sessions: same(&defaults.sessions),
        commands: None,
    }
}

/// A stored contact as the API's `Contact`; `t` stands in for its timestamps.
pub fn contact(c: &store::Contact, t: UtcTime) -> Contact {
    let conn = Connection {
        conn_id: c.contact_id,
        agent_conn_id: c.conn_id.clone(),
        conn_chat_version: SUPPORTED_CHAT_VRANGE.max(),
        peer_chat_v_range: chat_vrange(),
        conn_level: 0,
        via_contact: None,
        via_user_contact_link: None,
        via_group_link: false,
        group_link_id: None,
        x_contact_id: None,
        custom_user_profile_id: c.incognito.as_ref().map(|_| c.contact_id),
        conn_type: ConnType::Contact,
        conn_status: if c.ready {
            ConnStatus::Ready
        } else {
            ConnStatus::Joined
        },
        contact_conn_initiated: false,
        local_alias: String::new(),
        entity_id: Some(c.contact_id),
        connection_code: None,
        pq_support: false,
        pq_encryption: false,
        pq_snd_enabled: None,
        pq_rcv_enabled: None,
        auth_err_counter: 0,
        quota_err_counter: 0,
        created_at: t,
    };
    Contact {
        contact_id: c.contact_id,
        local_display_name: c.local_name.clone(),
        profile: LocalProfile::new(c.contact_id, c.profile.clone()),
        active_conn: Some(conn),
        contact_used: true,
        contact_status: ContactStatus::Active,
        chat_settings: ChatSettings::default(),
        user_preferences: Preferences {
            timed_messages: Some(TimedMessagesPreference {
                allow: if c.timed_allow {
                    FeatureAllowed::Yes
                } else {
                    FeatureAllowed::No
                },
                ttl: c.timed_ttl,
            }),
            ..Default::default()
        },
        merged_preferences: merged_preferences(c),
        created_at: t,
        updated_at: t,
        chat_ts: None,
        contact_request_id: None,
        contact_group_member_id: None,
        contact_grp_inv_sent: false,
        chat_tags: Vec::new(),
        chat_item_ttl: None,
        chat_deleted: false,
        custom_data: None,
    }
}

/// A stored contact request as the API's `UserContactRequest`.
pub fn contact_request(user_id: i64, r: &store::ContactRequest, t: UtcTime) -> UserContactRequest {
    UserContactRequest {
        contact_request_id: r.request_id,
        agent_invitation_id: r.inv_id.clone(),
        contact_id: None,
        business_group_id: None,
        user_contact_link_id: Some(user_id),
        c_req_chat_v_range: chat_vrange(),
        local_display_name: r.local_name.clone(),
        profile_id: r.request_id,
        profile: LocalProfile::new(r.request_id, r.profile.clone()),
        created_at: t,
        updated_at: t,
        x_contact_id: None,
        pq_support: false,
        welcome_shared_msg_id: None,
        request_shared_msg_id: None,
    }
}

pub(super) fn status(s: store::ItemStatus) -> CIStatus {
    match s {
        store::ItemStatus::SndNew => CIStatus::SndNew,
        store::ItemStatus::SndSent => CIStatus::SndSent {
            snd_progress: SndCIStatusProgress::Complete,
        },
        store::ItemStatus::SndRcvd => CIStatus::SndRcvd {
            msg_rcpt_status: MsgReceiptStatus::Ok,
            snd_progress: SndCIStatusProgress::Complete,
        },
        store::ItemStatus::Rcv => CIStatus::RcvNew,
    }
}

fn direction(sent: bool) -> CIDirection {
    if sent {
        CIDirection::DirectSnd
    } else {
        CIDirection::DirectRcv
    }
}

/// Emoji reactions counted per emoji, in first-seen order.
pub(super) fn reactions(list: &[(bool, String)]) -> Vec<CIReactionCount> {
    let mut out: Vec<CIReactionCount> = Vec::new();
    for (sent, emoji) in list {
        let Some(e) = emoji.chars().next() else {
            continue;
        };
        let reaction = MsgReaction::Emoji(e);
        match out.iter_mut().find(|r| r.reaction == reaction) {
            Some(r) => {
                r.total_reacted += 1;
                r.user_reacted |= *sent;
            }
            None => out.push(CIReactionCount {
                reaction,
                user_reacted: *sent,
                total_reacted: 1,
            }),
        }
    }
    out
}

/// What an API `ChatItem` is built from, for direct and group items alike.
pub(super) struct ItemParts<'a> {
    /// Row id.
    pub id: i64,
    /// Sent by the user.
    pub sent: bool,
    /// Who sent it.
    pub dir: CIDirection,
    /// The content.
    pub content: &'a MsgContent,
    /// The shared message id.
    pub shared: Option<&'a [u8]>,
    /// Edited.
    pub edited: bool,
    /// Marked deleted.
    pub deleted: bool,
    /// The chat type (for the deletion mark).
    pub chat_type: ChatType,
    /// Delivery state.
    pub status: CIStatus,
    /// Disappearing timer.
    pub timed: Option<CITimed>,
    /// The quote (its author's direction and text).
    pub quote: Option<(Option<CIDirection>, &'a str)>,
    /// Reactions counted.
    pub reactions: Vec<CIReactionCount>,
    /// Stored at.
    pub created: UtcTime,
    /// Last changed at.
    pub updated: UtcTime,
    /// The file it offers.
    pub file: Option<&'a store::FileRecord>,
}

/// A file's state as the API's `CIFileStatus` (transfer progress is not kept: zero).
fn file_status(s: store::FileStatus) -> CIFileStatus {
    use store::FileStatus as S;
    let failed = || FileError::Other {
        file_error: "transfer failed".to_owned(),
    };
    match s {
        S::SndStored => CIFileStatus::SndStored,
        S::SndTransfer => CIFileStatus::SndTransfer {
            snd_progress: 0,
            snd_total: 0,
        },
        S::SndComplete => CIFileStatus::SndComplete,
        S::SndCancelled => CIFileStatus::SndCancelled,
        S::SndError => CIFileStatus::SndError {
            snd_file_error: failed(),
        },
        S::RcvInvitation => CIFileStatus::RcvInvitation,
        S::RcvAccepted => CIFileStatus::RcvAccepted,
        S::RcvTransfer => CIFileStatus::RcvTransfer {
            rcv_progress: 0,
            rcv_total: 0,
        },
        S::RcvComplete => CIFileStatus::RcvComplete,
        S::RcvCancelled => CIFileStatus::RcvCancelled,
        S::RcvError => CIFileStatus::RcvError {
            rcv_file_error: failed(),
        },
    }
}

/// A stored file as the API's `CIFile` (its source: the path sent from or saved to).
pub fn ci_file(f: &store::FileRecord) -> CIFile {
    CIFile {
        file_id: f.file_id,
        file_name: f.file_name.clone(),
        file_size: f.file_size,
        file_source: f.file_path.clone().map(|file_path| CryptoFile {
            file_path,
            crypto_args: None,
        }),
        file_status: file_status(f.status),
        file_protocol: if f.xftp {
            FileProtocol::Xftp
        } else {
            FileProtocol::Smp
        },
    }
}

/// Builds an API `ChatItem`.
pub(super) fn build_item(p: ItemParts<'_>) -> ChatItem {
    let msg_content = p.content.clone();
    let content = if p.sent {
        CIContent::SndMsgContent { msg_content }
    } else {
        CIContent::RcvMsgContent { msg_content }
    };
    let meta = CIMeta {
        item_id: p.id,
        item_ts: p.created,
        // the reference's `ciContentToText`: voice messages get their prefix
        item_text: p.content.display_text(),
        item_status: p.status,
        sent_via_proxy: None,
        item_shared_msg_id: p.shared.map(simplex_encoding::base64url::encode),
        item_deleted: p.deleted.then_some(CIDeleted::Deleted {
            deleted_ts: Some(p.updated),
            chat_type: p.chat_type,
        }),
        item_edited: p.edited,
        item_timed: p.timed,
        item_live: None,
        user_mention: false,
        has_link: matches!(p.content, MsgContent::Link { .. }),
        deletable: !p.deleted,
        editable: p.sent && !p.deleted,
        forwarded_by_member: None,
        show_group_as_sender: false,
        created_at: p.created,
        updated_at: p.updated,
    };
    ChatItem {
        chat_dir: p.dir,
        meta,
        content,
        mentions: BTreeMap::new(),
        quoted_item: p.quote.map(|(chat_dir, text)| CIQuote {
            chat_dir,
            item_id: None,
            shared_msg_id: None,
            sent_at: p.created,
            content: MsgContent::text(text),
        }),
        reactions: p.reactions,
        file: p.file.map(ci_file),
    }
}

/// A stored item as the API's `ChatItem`, with its stored times (`t` when a time is
/// out of range).
pub fn chat_item(it: &store::ChatItem, t: UtcTime) -> ChatItem {
    let counted: Vec<(bool, String)> = it.reactions.clone();
    build_item(ItemParts {
        id: it.item_id,
        sent: it.sent,
        dir: direction(it.sent),
        content: &it.content,
        shared: it.shared_msg_id.as_deref(),
        edited: it.edited,
        deleted: it.deleted,
        chat_type: ChatType::Direct,
        status: status(it.status),
        timed: it.timed_ttl.map(|ttl| CITimed {
            ttl,
            delete_at: it.delete_at.and_then(utc),
        }),
        quote: it
            .quote
            .as_ref()
            .map(|(text, by_user)| (Some(direction(*by_user)), text.as_str())),
        reactions: reactions(&counted),
        created: utc(it.created_at).unwrap_or(t),
        updated: utc(it.updated_at).unwrap_or(t),
        file: it.file.as_ref(),
    })
}

/// An item in the direct chat with `c`.
pub fn a_chat_item(c: &store::Contact, it: &store::ChatItem, t: UtcTime) -> AChatItem {
    AChatItem {
        chat_info: ChatInfo::Direct {
            contact: contact(c, t),
        },
        chat_item: chat_item(it, t),
    }
}
