//! Sample chat items (every content, status, direction, file status) and errors.

use super::*;
use chat_api::errors::*;
use chat_api::file::{CIFile, CIFileStatus, CryptoFile, FileError, FileProtocol};
use chat_api::item::*;
use chat_api::item_content::*;
use chat_proto::container::MsgReaction;
use chat_proto::prefs::GroupFeatureEnabled;
use std::collections::BTreeMap;

pub fn meta(id: i64, text: &str, status: CIStatus) -> CIMeta {
    CIMeta {
        item_id: id,
        item_ts: ts(40 + id),
        item_text: text.into(),
        item_status: status,
        sent_via_proxy: None,
        item_shared_msg_id: Some("c2hhcmVk".into()),
        item_deleted: None,
        item_edited: false,
        item_timed: None,
        item_live: None,
        user_mention: false,
        has_link: false,
        deletable: true,
        editable: false,
        forwarded_by_member: None,
        show_group_as_sender: false,
        created_at: ts(40 + id),
        updated_at: ts(41 + id),
    }
}

pub fn item(id: i64, dir: CIDirection, content: CIContent, status: CIStatus) -> ChatItem {
    ChatItem {
        chat_dir: dir,
        meta: meta(id, "text", status),
        content,
        mentions: BTreeMap::new(),
        quoted_item: None,
        reactions: vec![],
        file: None,
    }
}

pub fn direct(chat_item: ChatItem) -> AChatItem {
    AChatItem {
        chat_info: ChatInfo::Direct {
            contact: contact(2, "alice"),
        },
        chat_item,
    }
}

pub fn group(chat_item: ChatItem) -> AChatItem {
    AChatItem {
        chat_info: ChatInfo::Group {
            group_info: group_info(1),
        },
        chat_item,
    }
}

pub fn text_rcv(id: i64, text: &str) -> AChatItem {
    direct(item(
        id,
        CIDirection::DirectRcv,
        CIContent::RcvMsgContent {
            msg_content: MsgContent::text(text),
        },
        CIStatus::RcvNew,
    ))
}

pub fn text_snd(id: i64, text: &str) -> AChatItem {
    direct(item(
        id,
        CIDirection::DirectSnd,
        CIContent::SndMsgContent {
            msg_content: MsgContent::text(text),
        },
        CIStatus::SndNew,
    ))
}

/// A received file offer with the given status.
pub fn file_item(id: i64, status: CIFileStatus) -> AChatItem {
    let mut it = item(
        id,
        CIDirection::DirectRcv,
        CIContent::RcvMsgContent {
            msg_content: MsgContent::File {
                text: "a file".into(),
            },
        },
        CIStatus::RcvRead,
    );
    it.file = Some(CIFile {
        file_id: 4,
        file_name: "report.pdf".into(),
        file_size: 123_456,
        file_source: Some(CryptoFile {
            file_path: "/tmp/report.pdf".into(),
            crypto_args: None,
        }),
        file_status: status,
        file_protocol: FileProtocol::Xftp,
    });
    direct(it)
}

fn member_ref() -> GroupMemberRef {
    GroupMemberRef {
        group_member_id: 2,
        profile: profile("alice"),
    }
}

fn role_change() -> MemberRoleChange {
    MemberRoleChange {
        group_member_id: 2,
        profile: profile("alice"),
        role: GroupMemberRole::Admin,
    }
}

fn block_change() -> MemberBlockChange {
    MemberBlockChange {
        group_member_id: 2,
        profile: profile("alice"),
        blocked: true,
    }
}

/// Every `CIContent` variant (and every inner event variant), each with the chat
/// kind it belongs in: `true` for a group.
pub fn all_contents() -> Vec<(CIContent, bool)> {
    let mut out = vec![];
    let gi = || GroupInvitationItem {
        group_invitation: CIGroupInvitation {
            group_id: 1,
            group_member_id: 1,
            local_display_name: "team".into(),
            group_profile: group_info(1).group_profile,
            status: CIGroupInvitationStatus::Pending,
        },
        member_role: GroupMemberRole::Member,
    };
    let link = MsgContent::Link {
        text: "see https://simplex.chat".into(),
        preview: chat_proto::content::LinkPreview {
            uri: "https://simplex.chat".into(),
            title: "SimpleX".into(),
            description: "Private messaging".into(),
            image: "data:image/png;base64,AAAA".into(),
            content: None,
        },
    };
    for mc in [
        MsgContent::text("hi"),
        link,
        MsgContent::Image {
            text: "pic".into(),
            image: "data:image/jpg;base64,AAAA".into(),
        },
        MsgContent::Voice {
            text: String::new(),
            duration: 5,
        },
        MsgContent::Video {
            text: String::new(),
            image: "data:image/jpg;base64,AAAA".into(),
            duration: 9,
        },
        MsgContent::File {
            text: String::new(),
        },
    ] {
        out.push((
            CIContent::SndMsgContent {
                msg_content: mc.clone(),
            },
            false,
        ));
        out.push((CIContent::RcvMsgContent { msg_content: mc }, false));
    }
    out.push((
        CIContent::SndDeleted {
            delete_mode: CIDeleteMode::Broadcast,
        },
        false,
    ));
    out.push((
        CIContent::RcvDeleted {
            delete_mode: CIDeleteMode::InternalMark,
        },
        false,
    ));
    let call = CallItem {
        status: CICallStatus::Ended,
        duration: 61,
    };
    out.push((CIContent::SndCall(call), false));
    out.push((CIContent::RcvCall(call), false));
    for msg_error in [
        MsgErrorType::MsgSkipped {
            from_msg_id: 3,
            to_msg_id: 5,
        },
        MsgErrorType::MsgBadId { msg_id: 7 },
        MsgErrorType::MsgBadHash,
        MsgErrorType::MsgDuplicate,
    ] {
        out.push((CIContent::RcvIntegrityError { msg_error }, false));
    }
    out.push((
        CIContent::RcvDecryptionError {
            msg_decrypt_error: MsgDecryptError::RatchetHeader,
            msg_count: 2,
        },
        false,
    ));
    out.push((CIContent::RcvGroupInvitation(gi()), false));
    out.push((CIContent::SndGroupInvitation(gi()), false));
    for ev in [
        RcvDirectEvent::ContactDeleted,
        RcvDirectEvent::ProfileUpdated {
            from_profile: profile("alice"),
            to_profile: profile("alicia"),
        },
        RcvDirectEvent::GroupInvLinkReceived {
            group_profile: group_info(1).group_profile,
        },
    ] {
        out.push((
            CIContent::RcvDirectEvent {
                rcv_direct_event: ev,
            },
            false,
        ));
    }
    for ev in [
        RcvGroupEvent::MemberAdded(member_ref()),
        RcvGroupEvent::MemberConnected,
        RcvGroupEvent::MemberAccepted(member_ref()),
        RcvGroupEvent::UserAccepted,
        RcvGroupEvent::MemberLeft,
        RcvGroupEvent::MemberRole(role_change()),
        RcvGroupEvent::MemberBlocked(block_change()),
        RcvGroupEvent::UserRole {
            role: GroupMemberRole::Moderator,
        },
        RcvGroupEvent::MemberDeleted(member_ref()),
        RcvGroupEvent::UserDeleted,
        RcvGroupEvent::GroupDeleted,
        RcvGroupEvent::GroupUpdated {
            group_profile: group_info(1).group_profile,
        },
        RcvGroupEvent::InvitedViaGroupLink,
        RcvGroupEvent::MemberCreatedContact,
        RcvGroupEvent::MemberProfileUpdated {
            from_profile: profile("alice"),
            to_profile: profile("alicia"),
        },
        RcvGroupEvent::NewMemberPendingReview,
        RcvGroupEvent::MsgBadSignature,
    ] {
        out.push((
            CIContent::RcvGroupEvent {
                rcv_group_event: ev,
            },
            true,
        ));
    }
    for ev in [
        SndGroupEvent::MemberRole(role_change()),
        SndGroupEvent::MemberBlocked(block_change()),
        SndGroupEvent::UserRole {
            role: GroupMemberRole::Observer,
        },
        SndGroupEvent::MemberDeleted(member_ref()),
        SndGroupEvent::UserLeft,
        SndGroupEvent::GroupUpdated {
            group_profile: group_info(1).group_profile,
        },
        SndGroupEvent::MemberAccepted(member_ref()),
        SndGroupEvent::UserPendingReview,
    ] {
        out.push((
            CIContent::SndGroupEvent {
                snd_group_event: ev,
            },
            true,
        ));
    }
    for ev in [
        RcvConnEvent::SwitchQueue {
            phase: SwitchPhase::Completed,
        },
        RcvConnEvent::RatchetSync {
            sync_status: RatchetSyncState::Agreed,
        },
        RcvConnEvent::VerificationCodeReset,
        RcvConnEvent::PqEnabled { enabled: true },
    ] {
        out.push((CIContent::RcvConnEvent { rcv_conn_event: ev }, false));
    }
    for ev in [
        SndConnEvent::SwitchQueue {
            phase: SwitchPhase::Started,
            member: Some(member_ref()),
        },
        SndConnEvent::RatchetSync {
            sync_status: RatchetSyncState::Required,
            member: None,
        },
        SndConnEvent::PqEnabled { enabled: false },
    ] {
        out.push((CIContent::SndConnEvent { snd_conn_event: ev }, false));
    }
    let feature = ChatFeatureItem {
        feature: ChatFeature::TimedMessages,
        enabled: PrefEnabled {
            for_user: true,
            for_contact: false,
        },
        param: Some(3600),
    };
    out.push((CIContent::RcvChatFeature(feature.clone()), false));
    out.push((CIContent::SndChatFeature(feature), false));
    let pref = ChatPreferenceItem {
        feature: ChatFeature::Voice,
        allowed: FeatureAllowed::Always,
        param: None,
    };
    out.push((CIContent::RcvChatPreference(pref.clone()), false));
    out.push((CIContent::SndChatPreference(pref), false));
    let gf = GroupFeatureItem {
        group_feature: GroupFeature::DirectMessages,
        preference: GroupPreferenceItem {
            enable: GroupFeatureEnabled::On,
        },
        param: None,
        member_role: Some(GroupMemberRole::Moderator),
    };
    out.push((CIContent::RcvGroupFeature(gf.clone()), true));
    out.push((CIContent::SndGroupFeature(gf), true));
    out.push((
        CIContent::RcvChatFeatureRejected {
            feature: ChatFeature::Calls,
        },
        false,
    ));
    out.push((
        CIContent::RcvGroupFeatureRejected {
            group_feature: GroupFeature::Voice,
        },
        true,
    ));
    out.push((CIContent::SndModerated, true));
    out.push((CIContent::RcvModerated, true));
    out.push((CIContent::RcvBlocked, true));
    let e2e = E2EInfo {
        public: None,
        pq_enabled: Some(true),
    };
    out.push((CIContent::SndDirectE2eeInfo { e2ee_info: e2e }, false));
    out.push((CIContent::RcvDirectE2eeInfo { e2ee_info: e2e }, false));
    let e2e_group = E2EInfo {
        public: Some(false),
        pq_enabled: None,
    };
    out.push((
        CIContent::SndGroupE2eeInfo {
            e2ee_info: e2e_group,
        },
        true,
    ));
    out.push((
        CIContent::RcvGroupE2eeInfo {
            e2ee_info: e2e_group,
        },
        true,
    ));
    out.push((CIContent::ChatBanner, false));
    out
}

pub fn snd_errors() -> Vec<SndError> {
    vec![
        SndError::Auth,
        SndError::Quota,
        SndError::Expired,
        SndError::Relay {
            srv_error: SrvError::Host,
        },
        SndError::Proxy {
            proxy_server: "smp.example".into(),
            srv_error: SrvError::Version,
        },
        SndError::ProxyRelay {
            proxy_server: "smp.example".into(),
            srv_error: SrvError::Other {
                srv_error: "BAD".into(),
            },
        },
        SndError::Other {
            snd_error: "oops".into(),
        },
    ]
}

/// Every `CIStatus` variant.
pub fn all_statuses() -> Vec<CIStatus> {
    let mut v = vec![
        CIStatus::SndNew,
        CIStatus::SndSent {
            snd_progress: SndCIStatusProgress::Complete,
        },
        CIStatus::SndRcvd {
            msg_rcpt_status: MsgReceiptStatus::Ok,
            snd_progress: SndCIStatusProgress::Partial,
        },
        CIStatus::SndErrorAuth,
        CIStatus::RcvNew,
        CIStatus::RcvRead,
        CIStatus::Invalid { text: "bad".into() },
    ];
    for e in snd_errors() {
        v.push(CIStatus::SndError {
            agent_error: e.clone(),
        });
        v.push(CIStatus::SndWarning { agent_error: e });
    }
    v
}

/// Every `CIFileStatus` variant.
pub fn all_file_statuses() -> Vec<CIFileStatus> {
    let errs = [
        FileError::Auth,
        FileError::NoFile,
        FileError::Relay {
            srv_error: SrvError::Host,
        },
        FileError::Other {
            file_error: "x".into(),
        },
    ];
    let mut v = vec![
        CIFileStatus::SndStored,
        CIFileStatus::SndTransfer {
            snd_progress: 1,
            snd_total: 4,
        },
        CIFileStatus::SndCancelled,
        CIFileStatus::SndComplete,
        CIFileStatus::RcvInvitation,
        CIFileStatus::RcvAccepted,
        CIFileStatus::RcvTransfer {
            rcv_progress: 2,
            rcv_total: 4,
        },
        CIFileStatus::RcvAborted,
        CIFileStatus::RcvComplete,
        CIFileStatus::RcvCancelled,
        CIFileStatus::Invalid { text: "?".into() },
    ];
    for e in errs {
        v.push(CIFileStatus::SndError {
            snd_file_error: e.clone(),
        });
        v.push(CIFileStatus::SndWarning {
            snd_file_error: e.clone(),
        });
        v.push(CIFileStatus::RcvError {
            rcv_file_error: e.clone(),
        });
        v.push(CIFileStatus::RcvWarning { rcv_file_error: e });
    }
    v
}

/// Items that together use every content, status, direction, deletion, quote,
/// mention, reaction and file status.
pub fn all_items() -> Vec<AChatItem> {
    let mut out = vec![];
    let mut id = 100;
    for (content, in_group) in all_contents() {
        id += 1;
        let it = if in_group {
            group(item(
                id,
                CIDirection::GroupRcv {
                    group_member: Box::new(alice_member()),
                },
                content,
                CIStatus::RcvNew,
            ))
        } else {
            direct(item(id, CIDirection::DirectRcv, content, CIStatus::RcvRead))
        };
        out.push(it);
    }
    for status in all_statuses() {
        id += 1;
        let mut it = text_snd(id, "status");
        it.chat_item.meta.item_status = status;
        out.push(it);
    }
    for status in all_file_statuses() {
        id += 1;
        out.push(file_item(id, status));
    }
    for dir in [
        CIDirection::GroupSnd,
        CIDirection::ChannelRcv,
        CIDirection::LocalSnd,
        CIDirection::LocalRcv,
    ] {
        id += 1;
        let mut it = text_snd(id, "dir");
        it.chat_item.chat_dir = dir;
        out.push(it);
    }
    let deleted = [
        CIDeleted::Deleted {
            deleted_ts: Some(ts(90)),
            chat_type: ChatType::Direct,
        },
        CIDeleted::Blocked { deleted_ts: None },
        CIDeleted::BlockedByAdmin {
            deleted_ts: Some(ts(91)),
        },
        CIDeleted::Moderated {
            deleted_ts: None,
            by_group_member: Box::new(alice_member()),
        },
    ];
    for d in deleted {
        id += 1;
        let mut it = text_rcv(id, "deleted");
        it.chat_item.meta.item_deleted = Some(d);
        out.push(it);
    }
    // Everything optional set at once: quote, mention, reactions, timer, live.
    id += 1;
    let mut it = group(item(
        id,
        CIDirection::GroupRcv {
            group_member: Box::new(alice_member()),
        },
        CIContent::RcvMsgContent {
            msg_content: MsgContent::text("@bot hi"),
        },
        CIStatus::RcvNew,
    ));
    let m = &mut it.chat_item;
    m.meta.item_edited = true;
    m.meta.user_mention = true;
    m.meta.item_live = Some(false);
    m.meta.sent_via_proxy = Some(true);
    m.meta.forwarded_by_member = Some(3);
    m.meta.item_timed = Some(CITimed {
        ttl: 60,
        delete_at: Some(ts(120)),
    });
    m.mentions.insert(
        "bot".into(),
        CIMention {
            member_id: "bWVtYmVyMQ==".into(),
            member_ref: Some(CIMentionMember {
                group_member_id: 1,
                display_name: "bot".into(),
                local_alias: None,
                member_role: GroupMemberRole::Owner,
            }),
        },
    );
    m.quoted_item = Some(CIQuote {
        chat_dir: Some(CIDirection::GroupSnd),
        item_id: Some(101),
        shared_msg_id: Some("cXVvdGVk".into()),
        sent_at: ts(50),
        content: MsgContent::text("earlier"),
    });
    m.reactions = vec![CIReactionCount {
        reaction: MsgReaction::Emoji('👍'),
        user_reacted: true,
        total_reacted: 2,
    }];
    out.push(it);
    for info in all_chat_infos() {
        id += 1;
        let mut it = text_snd(id, "chat kinds");
        it.chat_info = info;
        out.push(it);
    }
    out
}

/// Agent errors of every kind bots see.
pub fn all_agent_errors() -> Vec<AgentErrorType> {
    let smp = |smp_err| AgentErrorType::Smp {
        server_address: "smp://abc@smp.example".into(),
        smp_err,
    };
    let broker = |broker_err| AgentErrorType::Broker {
        broker_address: "smp://abc@smp.example".into(),
        broker_err,
    };
    vec![
        AgentErrorType::Cmd {
            cmd_err: CommandErrorType::Syntax,
            err_context: "ctx".into(),
        },
        AgentErrorType::Conn {
            conn_err: ConnectionErrorType::NotAvailable,
            err_context: "ctx".into(),
        },
        AgentErrorType::NoUser,
        smp(ErrorType::Auth),
        smp(ErrorType::Cmd {
            cmd_err: CommandError::NoEntity,
        }),
        smp(ErrorType::Store {
            store_err: "disk".into(),
        }),
        smp(ErrorType::Duplicate),
        smp(ErrorType::LargeMsg),
        AgentErrorType::Ntf {
            server_address: "ntf://n".into(),
            ntf_err: ErrorType::Quota,
        },
        AgentErrorType::Xftp {
            server_address: "xftp://x".into(),
            xftp_err: XftpErrorType::Cmd {
                cmd_err: CommandError::Syntax,
            },
        },
        AgentErrorType::Xftp {
            server_address: "xftp://x".into(),
            xftp_err: XftpErrorType::FileIo,
        },
        AgentErrorType::File {
            file_err: FileErrorType::NotApproved,
        },
        AgentErrorType::File {
            file_err: FileErrorType::Redirect {
                redirect_error: "r".into(),
            },
        },
        AgentErrorType::File {
            file_err: FileErrorType::FileIo {
                file_io_error: "io".into(),
            },
        },
        broker(BrokerErrorType::Network {
            network_error: NetworkError::TlsError {
                tls_error: "bad cert".into(),
            },
        }),
        broker(BrokerErrorType::Network {
            network_error: NetworkError::UnknownCaError,
        }),
        broker(BrokerErrorType::Network {
            network_error: NetworkError::ConnectError {
                connect_error: "refused".into(),
            },
        }),
        broker(BrokerErrorType::Transport {
            transport_err: TransportError::Handshake {
                handshake_err: HandshakeError::BadAuth,
            },
        }),
        broker(BrokerErrorType::Timeout),
        broker(BrokerErrorType::Response {
            resp_err: "r".into(),
        }),
        AgentErrorType::Agent {
            agent_err: SmpAgentError::ACrypto {
                crypto_err: AgentCryptoError::RatchetHeader,
            },
        },
        AgentErrorType::Agent {
            agent_err: SmpAgentError::AProhibited {
                prohibited_err: "p".into(),
            },
        },
        AgentErrorType::Agent {
            agent_err: SmpAgentError::ADuplicate,
        },
        AgentErrorType::Internal {
            internal_err: "i".into(),
        },
        AgentErrorType::Critical {
            offer_restart: true,
            critical_err: "c".into(),
        },
        AgentErrorType::Inactive,
    ]
}

/// Chat errors of every kind bots see.
pub fn all_chat_errors() -> Vec<ChatError> {
    let mut v: Vec<ChatError> = vec![
        ChatErrorType::NoActiveUser,
        ChatErrorType::NoConnectionUser {
            agent_conn_id: "YWJj".into(),
        },
        ChatErrorType::UserUnknown,
        ChatErrorType::UserExists {
            contact_name: "bot".into(),
        },
        ChatErrorType::DifferentActiveUser {
            command_user_id: 2,
            active_user_id: 1,
        },
        ChatErrorType::CantDeleteActiveUser { user_id: 1 },
        ChatErrorType::CantDeleteLastUser { user_id: 1 },
        ChatErrorType::InvalidDisplayName {
            display_name: "a b".into(),
            valid_name: "a_b".into(),
        },
        ChatErrorType::ChatNotStarted,
        ChatErrorType::ChatNotStopped,
        ChatErrorType::InvalidConnReq,
        ChatErrorType::UnsupportedConnReq,
        ChatErrorType::ContactNotReady {
            contact: Box::new(contact(2, "alice")),
        },
        ChatErrorType::ContactNotActive {
            contact: Box::new(contact(2, "alice")),
        },
        ChatErrorType::ContactDisabled {
            contact: Box::new(contact(2, "alice")),
        },
        ChatErrorType::GroupUserRole {
            group_info: Box::new(group_info(1)),
            required_role: GroupMemberRole::Admin,
        },
        ChatErrorType::GroupDuplicateMember {
            contact_name: "alice".into(),
        },
        ChatErrorType::GroupNotJoined {
            group_info: Box::new(group_info(1)),
        },
        ChatErrorType::GroupMemberNotActive,
        ChatErrorType::GroupMemberNotFound,
        ChatErrorType::GroupInternal {
            message: "m".into(),
        },
        ChatErrorType::FileNotFound {
            message: "m".into(),
        },
        ChatErrorType::FileSize {
            file_path: "/tmp/x".into(),
        },
        ChatErrorType::FileAlreadyReceiving {
            message: "m".into(),
        },
        ChatErrorType::FileCancelled {
            message: "m".into(),
        },
        ChatErrorType::FileNotApproved {
            file_id: 4,
            unknown_servers: vec!["xftp://x".into()],
        },
        ChatErrorType::InvalidForward,
        ChatErrorType::InvalidChatItemUpdate,
        ChatErrorType::InvalidChatItemDelete,
        ChatErrorType::DirectMessagesProhibited {
            direction: MsgDirection::Snd,
            contact: Box::new(contact(2, "alice")),
        },
        ChatErrorType::AgentVersion,
        ChatErrorType::CommandError {
            message: "unknown command".into(),
        },
        ChatErrorType::AgentCommandError {
            message: "m".into(),
        },
        ChatErrorType::PeerChatVRangeIncompatible,
        ChatErrorType::InternalError {
            message: "m".into(),
        },
        ChatErrorType::Exception {
            message: "m".into(),
        },
    ]
    .into_iter()
    .map(ChatError::chat)
    .collect();
    let store = [
        StoreError::DuplicateName,
        StoreError::UserNotFound { user_id: 9 },
        StoreError::UserNotFoundByName {
            contact_name: "x".into(),
        },
        StoreError::ContactNotFound { contact_id: 9 },
        StoreError::ContactNotFoundByName {
            contact_name: "x".into(),
        },
        StoreError::ContactNotReady {
            contact_name: "x".into(),
        },
        StoreError::DuplicateContactLink,
        StoreError::UserContactLinkNotFound,
        StoreError::ContactRequestNotFound {
            contact_request_id: 9,
        },
        StoreError::ContactRequestNotFoundByName {
            contact_name: "x".into(),
        },
        StoreError::GroupNotFound { group_id: 9 },
        StoreError::GroupNotFoundByName {
            group_name: "g".into(),
        },
        StoreError::GroupMemberNameNotFound {
            group_id: 1,
            group_member_name: "m".into(),
        },
        StoreError::GroupMemberNotFound { group_member_id: 9 },
        StoreError::GroupMemberNotFoundByMemberId {
            member_id: "bQ==".into(),
        },
        StoreError::GroupWithoutUser,
        StoreError::DuplicateGroupMember,
        StoreError::GroupAlreadyJoined,
        StoreError::GroupInvitationNotFound,
        StoreError::SndFileNotFound { file_id: 9 },
        StoreError::RcvFileNotFound { file_id: 9 },
        StoreError::FileNotFound { file_id: 9 },
        StoreError::RcvFileInvalid { file_id: 9 },
        StoreError::ConnectionNotFound {
            agent_conn_id: "YQ==".into(),
        },
        StoreError::ConnectionNotFoundById { conn_id: 9 },
        StoreError::PendingConnectionNotFound { conn_id: 9 },
        StoreError::UniqueId,
        StoreError::LargeMsg,
        StoreError::InternalError {
            message: "m".into(),
        },
        StoreError::DbException {
            message: "m".into(),
        },
        StoreError::DbBusyError {
            message: "m".into(),
        },
        StoreError::ChatItemNotFound { item_id: 9 },
        StoreError::ChatItemNotFoundByText { text: "t".into() },
        StoreError::ChatItemSharedMsgIdNotFound {
            shared_msg_id: "cw==".into(),
        },
        StoreError::NoteFolderNotFound { note_folder_id: 9 },
        StoreError::UserNoteFolderNotFound,
        StoreError::ProfileNotFound { profile_id: 9 },
        StoreError::DuplicateGroupLink {
            group_info: Box::new(group_info(1)),
        },
        StoreError::GroupLinkNotFound {
            group_info: Box::new(group_info(1)),
        },
        StoreError::InvalidQuote,
        StoreError::InvalidMention,
    ];
    v.extend(store.into_iter().map(ChatError::store));
    v.extend(
        all_agent_errors()
            .into_iter()
            .map(|agent_error| ChatError::ErrorAgent {
                agent_error,
                agent_conn_id: "Y29ubg==".into(),
            }),
    );
    v
}
