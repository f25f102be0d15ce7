//! Sample values of every API type, shared by the test files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

pub mod items;
pub mod samples;

use chat_api::address::{AddressSettings, AutoAccept, UserContactLink};
use chat_api::common::{
    ChatBotCommand, ChatSettings, ContactUserPref, ContactUserPreference, ContactUserPreferences,
    CreatedConnLink, FeaturePref, FullPreferences, PrefEnabled, SecurityCode, UtcTime,
    VersionRange,
};
use chat_api::conn::{ConnStatus, ConnType, Connection, PendingContactConnection};
use chat_api::contact::{Contact, ContactStatus, UserContactRequest};
use chat_api::file::{
    CryptoFileArgs, FileTransferMeta, FileType, RcvFileDescr, RcvFileStatus, RcvFileTransfer,
    XftpRcvFile, XftpSndFile,
};
use chat_api::group::{
    FullGroupPreferences, GroupInfo, GroupLink, GroupMember, GroupMemberCategory,
    GroupMemberSettings, GroupMemberStatus, GroupSummary, InvitedBy,
};
use chat_api::user::{ChatPeerType, LocalProfile, User, UserInfo};
use chat_proto::content::MsgContent;
use chat_proto::file::{FileInvitation, InlineFileMode};
use chat_proto::prefs::{FeatureAllowed, Preferences};
use chat_proto::profile::{GroupProfile, Profile};
use chat_proto::role::GroupMemberRole;

/// A fixed time `secs` seconds after 2026-11-28T00:00:00Z, with a fraction.
pub fn ts(secs: i64) -> UtcTime {
    UtcTime::from_unix(1_795_824_000 + secs, 123_000_000).unwrap()
}

pub fn profile(name: &str) -> Profile {
    Profile {
        full_name: format!("{name} Full"),
        ..Profile::from_name(name)
    }
}

pub fn local_profile(id: i64, name: &str) -> LocalProfile {
    LocalProfile::new(id, profile(name))
}

pub fn user() -> User {
    let mut profile = local_profile(1, "bot");
    profile.peer_type = Some(ChatPeerType::Bot);
    profile.profile.contact_link = Some("https://simplex.chat/a#abc".into());
    User {
        user_id: 1,
        agent_user_id: 1,
        user_contact_id: 1,
        local_display_name: "bot".into(),
        profile,
        full_preferences: FullPreferences {
            commands: vec![
                ChatBotCommand::Command {
                    keyword: "help".into(),
                    label: "Help".into(),
                    params: None,
                },
                ChatBotCommand::Menu {
                    label: "More".into(),
                    commands: vec![ChatBotCommand::Command {
                        keyword: "echo".into(),
                        label: "Echo".into(),
                        params: Some("<text>".into()),
                    }],
                },
            ],
            ..FullPreferences::default()
        },
        active_user: true,
        active_order: 1,
        view_pwd_hash: None,
        show_ntfs: true,
        send_rcpts_contacts: true,
        send_rcpts_small_groups: true,
        auto_accept_member_contacts: false,
        user_member_profile_updated_at: Some(ts(5)),
        user_chat_relay: false,
        client_service: false,
    }
}

pub fn user_info() -> UserInfo {
    UserInfo {
        user: user(),
        unread_count: 3,
    }
}

pub fn vrange() -> VersionRange {
    VersionRange {
        min_version: 1,
        max_version: 16,
    }
}

pub fn connection(id: i64, conn_type: ConnType) -> Connection {
    Connection {
        conn_id: id,
        agent_conn_id: format!("Y29ubi0{id}"),
        conn_chat_version: 16,
        peer_chat_v_range: vrange(),
        conn_level: 0,
        via_contact: None,
        via_user_contact_link: Some(1),
        via_group_link: false,
        group_link_id: None,
        x_contact_id: None,
        custom_user_profile_id: None,
        conn_type,
        conn_status: ConnStatus::Ready,
        contact_conn_initiated: false,
        local_alias: String::new(),
        entity_id: Some(id),
        connection_code: Some(SecurityCode {
            security_code: "12345 67890".into(),
            verified_at: ts(7),
        }),
        pq_support: true,
        pq_encryption: true,
        pq_snd_enabled: Some(true),
        pq_rcv_enabled: Some(false),
        auth_err_counter: 0,
        quota_err_counter: 0,
        created_at: ts(1),
    }
}

pub fn merged_prefs() -> ContactUserPreferences {
    let pref = |allow: FeatureAllowed, for_user: bool| ContactUserPreference {
        enabled: PrefEnabled {
            for_user,
            for_contact: for_user,
        },
        user_preference: ContactUserPref::User {
            preference: FeaturePref::allow(allow.clone()),
        },
        contact_preference: FeaturePref::allow(allow),
    };
    ContactUserPreferences {
        timed_messages: ContactUserPreference {
            enabled: PrefEnabled::default(),
            user_preference: ContactUserPref::Contact {
                preference: FeaturePref {
                    allow: FeatureAllowed::Yes,
                    ttl: Some(3600),
                },
            },
            contact_preference: FeaturePref::allow(FeatureAllowed::No),
        },
        full_delete: pref(FeatureAllowed::No, false),
        reactions: pref(FeatureAllowed::Yes, true),
        voice: pref(FeatureAllowed::Yes, true),
        files: pref(FeatureAllowed::Always, true),
        calls: pref(FeatureAllowed::Yes, true),
        sessions: pref(FeatureAllowed::No, false),
        commands: None,
    }
}

pub fn contact(id: i64, name: &str) -> Contact {
    let mut custom = serde_json::Map::new();
    custom.insert("tier".into(), serde_json::Value::from("gold"));
    Contact {
        contact_id: id,
        local_display_name: name.into(),
        profile: local_profile(id + 100, name),
        active_conn: Some(connection(id + 10, ConnType::Contact)),
        contact_used: true,
        contact_status: ContactStatus::Active,
        chat_settings: ChatSettings::default(),
        user_preferences: Preferences::default(),
        merged_preferences: merged_prefs(),
        created_at: ts(2),
        updated_at: ts(3),
        chat_ts: Some(ts(4)),
        contact_request_id: None,
        contact_group_member_id: None,
        contact_grp_inv_sent: false,
        chat_tags: vec![1, 2],
        chat_item_ttl: Some(86400),
        chat_deleted: false,
        custom_data: Some(custom),
    }
}

pub fn member(
    id: i64,
    name: &str,
    role: GroupMemberRole,
    category: GroupMemberCategory,
    status: GroupMemberStatus,
) -> GroupMember {
    GroupMember {
        group_member_id: id,
        group_id: 1,
        index_in_group: id,
        member_id: format!("bWVtYmVy{id}"),
        member_role: role,
        member_category: category,
        member_status: status,
        member_settings: GroupMemberSettings::default(),
        blocked_by_admin: false,
        invited_by: if id == 1 {
            InvitedBy::User
        } else {
            InvitedBy::Contact { by_contact_id: 2 }
        },
        invited_by_group_member_id: None,
        local_display_name: name.into(),
        member_profile: local_profile(id + 200, name),
        member_contact_id: Some(2),
        member_contact_profile_id: id + 200,
        active_conn: Some(connection(id + 20, ConnType::Member)),
        member_chat_v_range: vrange(),
        created_at: ts(10),
        updated_at: ts(11),
    }
}

pub fn membership() -> GroupMember {
    member(
        1,
        "bot",
        GroupMemberRole::Owner,
        GroupMemberCategory::User,
        GroupMemberStatus::Creator,
    )
}

pub fn alice_member() -> GroupMember {
    member(
        2,
        "alice",
        GroupMemberRole::Member,
        GroupMemberCategory::Invitee,
        GroupMemberStatus::Connected,
    )
}

pub fn group_info(id: i64) -> GroupInfo {
    GroupInfo {
        group_id: id,
        use_relays: false,
        local_display_name: "team".into(),
        group_profile: GroupProfile {
            display_name: "team".into(),
            full_name: "The Team".into(),
            short_descr: None,
            description: Some("A group".into()),
            image: None,
            group_preferences: None,
            member_admission: None,
        },
        local_alias: String::new(),
        business_chat: None,
        full_group_preferences: FullGroupPreferences::default(),
        membership: membership(),
        chat_settings: ChatSettings::default(),
        created_at: ts(12),
        updated_at: ts(13),
        chat_ts: None,
        user_member_profile_sent_at: Some(ts(14)),
        chat_tags: vec![],
        chat_item_ttl: None,
        custom_data: None,
        group_summary: GroupSummary {
            current_members: 2,
            public_member_count: None,
        },
        members_require_attention: 0,
        via_group_link_uri: None,
    }
}

pub fn group_link() -> GroupLink {
    GroupLink {
        user_contact_link_id: 5,
        conn_link_contact: conn_link(),
        short_link_data_set: true,
        short_link_large_data_set: false,
        group_link_id: "Z3JvdXAtbGluaw==".into(),
        accept_member_role: GroupMemberRole::Member,
    }
}

pub fn conn_link() -> CreatedConnLink {
    CreatedConnLink {
        conn_full_link: "simplex:/contact#/?v=2-7&smp=smp%3A%2F%2Fa%40b".into(),
        conn_short_link: Some("https://smp.example/a#xyz".into()),
    }
}

pub fn user_contact_link() -> UserContactLink {
    UserContactLink {
        user_contact_link_id: 1,
        conn_link_contact: conn_link(),
        short_link_data_set: true,
        short_link_large_data_set: false,
        address_settings: AddressSettings {
            business_address: false,
            auto_accept: Some(AutoAccept {
                accept_incognito: false,
            }),
            auto_reply: Some(MsgContent::text("Hello, I am a bot")),
        },
    }
}

pub fn contact_request() -> UserContactRequest {
    UserContactRequest {
        contact_request_id: 7,
        agent_invitation_id: "aW52aXRhdGlvbg==".into(),
        contact_id: None,
        business_group_id: None,
        user_contact_link_id: Some(1),
        c_req_chat_v_range: vrange(),
        local_display_name: "carol".into(),
        profile_id: 301,
        profile: local_profile(301, "carol"),
        created_at: ts(20),
        updated_at: ts(20),
        x_contact_id: Some("eC1jb250YWN0".into()),
        pq_support: true,
        welcome_shared_msg_id: None,
        request_shared_msg_id: None,
    }
}

pub fn pending_connection() -> PendingContactConnection {
    PendingContactConnection {
        pcc_conn_id: 9,
        pcc_agent_conn_id: "cGVuZGluZw==".into(),
        pcc_conn_status: ConnStatus::New,
        via_contact_uri: false,
        via_user_contact_link: None,
        group_link_id: None,
        custom_user_profile_id: None,
        conn_link_inv: Some(conn_link()),
        local_alias: String::new(),
        created_at: ts(30),
        updated_at: ts(31),
    }
}

pub fn rcv_file_transfer() -> RcvFileTransfer {
    RcvFileTransfer {
        file_id: 4,
        xftp_rcv_file: Some(XftpRcvFile {
            rcv_file_description: rcv_file_descr(),
            agent_rcv_file_id: Some("cmN2LWZpbGU=".into()),
            agent_rcv_file_deleted: false,
            user_approved_relays: true,
        }),
        file_invitation: FileInvitation {
            file_name: "report.pdf".into(),
            file_size: 123_456,
            file_digest: None,
            file_conn_req: None,
            file_inline: Some(InlineFileMode::Offer),
            file_descr: None,
        },
        file_status: RcvFileStatus::Accepted {
            file_path: "/tmp/report.pdf".into(),
        },
        file_type: FileType::Normal,
        rcv_file_inline: None,
        sender_display_name: "alice".into(),
        chunk_size: 16384,
        cancelled: false,
        grp_member_id: None,
        crypto_args: Some(CryptoFileArgs {
            file_key: "a2V5".into(),
            file_nonce: "bm9uY2U=".into(),
        }),
    }
}

pub fn rcv_file_descr() -> RcvFileDescr {
    RcvFileDescr {
        file_descr_id: 3,
        file_descr_text: "party: recipient\nsize: 123456\n".into(),
        file_descr_part_no: 0,
        file_descr_complete: true,
    }
}

pub fn file_transfer_meta() -> FileTransferMeta {
    FileTransferMeta {
        file_id: 5,
        xftp_snd_file: Some(XftpSndFile {
            agent_snd_file_id: "c25kLWZpbGU=".into(),
            private_snd_file_descr: Some("party: sender\n".into()),
            agent_snd_file_deleted: false,
            crypto_args: None,
        }),
        xftp_redirect_for: None,
        file_name: "photo.jpg".into(),
        file_path: "/tmp/photo.jpg".into(),
        file_size: 2048,
        file_inline: None,
        chunk_size: 16384,
        cancelled: false,
    }
}

/// One `ChatInfo` of each documented kind.
pub fn all_chat_infos() -> Vec<chat_api::item::ChatInfo> {
    use chat_api::item::{ChatInfo, NoteFolder};
    vec![
        ChatInfo::Direct {
            contact: contact(2, "alice"),
        },
        ChatInfo::Group {
            group_info: group_info(1),
        },
        ChatInfo::Local {
            note_folder: NoteFolder {
                note_folder_id: 1,
                user_id: 1,
                created_at: ts(0),
                updated_at: ts(0),
                chat_ts: ts(0),
                favorite: false,
                unread: true,
            },
        },
        ChatInfo::ContactRequest {
            contact_request: contact_request(),
        },
        ChatInfo::ContactConnection {
            contact_connection: pending_connection(),
        },
    ]
}

/// Every `ConnStatus`.
pub fn all_conn_statuses() -> Vec<ConnStatus> {
    vec![
        ConnStatus::New,
        ConnStatus::Prepared,
        ConnStatus::Joined,
        ConnStatus::Requested,
        ConnStatus::Accepted,
        ConnStatus::SndReady,
        ConnStatus::Ready,
        ConnStatus::Deleted,
        ConnStatus::Failed {
            conn_error: "SMP AUTH".into(),
        },
    ]
}

/// Every `GroupMemberStatus`.
pub fn all_member_statuses() -> Vec<GroupMemberStatus> {
    use GroupMemberStatus as S;
    vec![
        S::Rejected,
        S::Removed,
        S::Left,
        S::Deleted,
        S::Unknown,
        S::Invited,
        S::PendingApproval,
        S::PendingReview,
        S::Introduced,
        S::IntroInvited,
        S::Accepted,
        S::Announced,
        S::Connected,
        S::Complete,
        S::Creator,
    ]
}

/// A business chat (a group made through a business address).
pub fn business_group_info() -> GroupInfo {
    GroupInfo {
        business_chat: Some(chat_api::group::BusinessChatInfo {
            chat_type: chat_api::group::BusinessChatType::Business,
            business_id: "YnVzaW5lc3M=".into(),
            customer_id: "Y3VzdG9tZXI=".into(),
        }),
        ..group_info(7)
    }
}

pub fn snd_file_transfer() -> chat_api::file::SndFileTransfer {
    chat_api::file::SndFileTransfer {
        file_id: 5,
        file_name: "photo.jpg".into(),
        file_path: "/tmp/photo.jpg".into(),
        file_size: 2048,
        chunk_size: 16384,
        recipient_display_name: "alice".into(),
        conn_id: 12,
        agent_conn_id: "Y29ubi0xMg==".into(),
        group_member_id: None,
        file_status: chat_api::file::FileStatus::Cancelled,
        file_descr_id: None,
        file_inline: None,
    }
}

pub fn a_chat() -> chat_api::item::AChat {
    let item = items::text_rcv(30, "latest");
    chat_api::item::AChat {
        chat_info: item.chat_info,
        chat_items: vec![item.chat_item],
        chat_stats: chat_api::item::ChatStats {
            unread_count: 1,
            unread_mentions: 0,
            reports_count: 0,
            min_unread_item_id: 30,
            unread_chat: false,
        },
    }
}
