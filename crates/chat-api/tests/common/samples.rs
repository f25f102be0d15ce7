//! One or more sample values of every `ChatResponse` and `ChatEvent` variant.

use super::items::{
    all_agent_errors, all_chat_errors, all_items, direct, item, text_rcv, text_snd,
};
use super::*;
use chat_api::event::{ChatEvent, MsgSigStatus};
use chat_api::item::{ACIReaction, CIDirection, CIReaction, CIStatus, ChatItemDeletion};
use chat_api::item_content::CIContent;
use chat_api::response::{ChatResponse, UserProfileUpdateSummary};
use chat_proto::container::MsgReaction;

fn reaction() -> ACIReaction {
    let target = text_snd(11, "hello");
    ACIReaction {
        chat_info: target.chat_info,
        chat_reaction: CIReaction {
            chat_dir: CIDirection::DirectRcv,
            chat_item: target.chat_item,
            sent_at: ts(60),
            reaction: MsgReaction::Emoji('❤'),
        },
    }
}

fn deletions() -> Vec<ChatItemDeletion> {
    let mut marked = text_rcv(12, "gone");
    marked.chat_item.content = CIContent::RcvDeleted {
        delete_mode: chat_api::item_content::CIDeleteMode::Broadcast,
    };
    vec![
        ChatItemDeletion {
            deleted_chat_item: text_rcv(12, "gone"),
            to_chat_item: Some(marked),
        },
        ChatItemDeletion {
            deleted_chat_item: text_rcv(13, "gone too"),
            to_chat_item: None,
        },
    ]
}

pub fn all_responses() -> Vec<ChatResponse> {
    use ChatResponse as R;
    let user = user;
    let alice = || contact(2, "alice");
    let gi = || group_info(1);
    let mut v = vec![
        R::ActiveUser { user: user() },
        R::UsersList {
            users: vec![user_info()],
        },
        R::UserContactLink {
            user: user(),
            contact_link: user_contact_link(),
        },
        R::UserContactLinkCreated {
            user: user(),
            conn_link_contact: conn_link(),
        },
        R::UserContactLinkDeleted { user: user() },
        R::UserContactLinkUpdated {
            user: user(),
            contact_link: user_contact_link(),
        },
        R::UserProfileUpdated {
            user: user(),
            from_profile: profile("bot"),
            to_profile: profile("robot"),
            update_summary: UserProfileUpdateSummary {
                update_successes: 2,
                update_failures: 0,
                changed_contacts: vec![alice()],
            },
        },
        R::UserProfileNoChange { user: user() },
        R::ContactsList {
            user: user(),
            contacts: vec![alice(), contact(3, "bob")],
        },
        R::GroupsList {
            user: user(),
            groups: vec![gi()],
        },
        R::NewChatItems {
            user: user(),
            chat_items: vec![text_snd(10, "hello")],
        },
        R::ChatItemUpdated {
            user: user(),
            chat_item: text_snd(10, "hello!"),
        },
        R::ChatItemNotChanged {
            user: user(),
            chat_item: text_snd(10, "hello!"),
        },
        R::ChatItemsDeleted {
            user: user(),
            chat_item_deletions: deletions(),
            by_user: true,
            timed: false,
        },
        R::ChatItemReaction {
            user: user(),
            added: true,
            reaction: reaction(),
        },
        R::AcceptingContactRequest {
            user: user(),
            contact: alice(),
        },
        R::ContactRequestRejected {
            user: user(),
            contact_request: contact_request(),
            contact: None,
        },
        R::ContactRequestRejected {
            user: user(),
            contact_request: contact_request(),
            contact: Some(alice()),
        },
        R::Invitation {
            user: user(),
            conn_link_invitation: conn_link(),
            connection: pending_connection(),
        },
        R::SentConfirmation {
            user: user(),
            connection: pending_connection(),
            custom_user_profile: None,
        },
        R::SentInvitation {
            user: user(),
            connection: pending_connection(),
            custom_user_profile: Some(profile("incognito")),
        },
        R::ContactAlreadyExists {
            user: user(),
            contact: alice(),
        },
        R::ContactDeleted {
            user: user(),
            contact: alice(),
        },
        R::ContactConnectionDeleted {
            user: user(),
            connection: pending_connection(),
        },
        R::GroupDeletedUser {
            user: user(),
            group_info: gi(),
            msg_signed: false,
        },
        R::GroupCreated {
            user: user(),
            group_info: gi(),
        },
        R::GroupMembers {
            user: user(),
            group: chat_api::group::Group {
                group_info: gi(),
                members: vec![alice_member()],
            },
        },
        R::GroupUpdated {
            user: user(),
            from_group: gi(),
            to_group: gi(),
            member: Some(alice_member()),
            msg_signed: true,
        },
        R::GroupLinkCreated {
            user: user(),
            group_info: gi(),
            group_link: group_link(),
        },
        R::GroupLink {
            user: user(),
            group_info: gi(),
            group_link: group_link(),
        },
        R::GroupLinkDeleted {
            user: user(),
            group_info: gi(),
        },
        R::SentGroupInvitation {
            user: user(),
            group_info: gi(),
            contact: alice(),
            member: alice_member(),
        },
        R::UserAcceptedGroupSent {
            user: user(),
            group_info: gi(),
            host_contact: Some(alice()),
        },
        R::MemberAccepted {
            user: user(),
            group_info: gi(),
            member: alice_member(),
        },
        R::MembersRoleUser {
            user: user(),
            group_info: gi(),
            members: vec![alice_member()],
            to_role: GroupMemberRole::Admin,
            msg_signed: false,
        },
        R::UserDeletedMembers {
            user: user(),
            group_info: gi(),
            members: vec![alice_member()],
            with_messages: true,
            msg_signed: false,
        },
        R::LeftMemberUser {
            user: user(),
            group_info: gi(),
        },
        R::RcvFileAccepted {
            user: user(),
            chat_item: text_rcv(14, "file"),
        },
        R::RcvFileAcceptedSndCancelled {
            user: user(),
            rcv_file_transfer: rcv_file_transfer(),
        },
        R::RcvFileCancelled {
            user: user(),
            chat_item: Some(text_rcv(14, "file")),
            rcv_file_transfer: rcv_file_transfer(),
        },
        R::SndFileCancelled {
            user: user(),
            chat_item: Some(text_snd(23, "file")),
            file_transfer_meta: file_transfer_meta(),
            snd_file_transfers: vec![snd_file_transfer()],
        },
        R::ApiChats {
            user: user(),
            chats: vec![a_chat()],
        },
        R::ApiChat {
            user: user(),
            chat: a_chat(),
        },
        R::ContactPrefsUpdated {
            user: user(),
            from_contact: alice(),
            to_contact: alice(),
        },
        R::ChatStarted,
        R::ChatRunning,
        R::ChatStopped,
        R::CmdOk { user: Some(user()) },
        R::CmdOk { user: None },
    ];
    // Every item shape goes through `newChatItems`, every error through `chatCmdError`.
    v.push(R::NewChatItems {
        user: user(),
        chat_items: all_items(),
    });
    v.extend(
        all_chat_errors()
            .into_iter()
            .map(|chat_error| R::ChatCmdError { chat_error }),
    );
    for status in all_conn_statuses() {
        let mut c = alice();
        if let Some(conn) = c.active_conn.as_mut() {
            conn.conn_status = status;
        }
        v.push(R::ContactDeleted {
            user: user(),
            contact: c,
        });
    }
    for status in all_member_statuses() {
        let mut m = alice_member();
        m.member_status = status;
        v.push(R::MemberAccepted {
            user: user(),
            group_info: gi(),
            member: m,
        });
    }
    v
}

pub fn all_events() -> Vec<ChatEvent> {
    use ChatEvent as E;
    let user = user;
    let alice = || contact(2, "alice");
    let gi = || group_info(1);
    let am = alice_member;
    let signed = Some(MsgSigStatus::Verified);
    let mut v = vec![
        E::ContactConnected {
            user: user(),
            contact: alice(),
            user_custom_profile: None,
        },
        E::ContactUpdated {
            user: user(),
            from_contact: alice(),
            to_contact: contact(2, "alicia"),
        },
        E::ContactDeletedByContact {
            user: user(),
            contact: alice(),
        },
        E::ReceivedContactRequest {
            user: user(),
            contact_request: contact_request(),
            chat: None,
        },
        E::ReceivedContactRequest {
            user: user(),
            contact_request: contact_request(),
            chat: Some(a_chat()),
        },
        E::NewMemberContactReceivedInv {
            user: user(),
            contact: alice(),
            group_info: gi(),
            member: am(),
        },
        E::ContactSndReady {
            user: user(),
            contact: alice(),
        },
        E::NewChatItems {
            user: user(),
            chat_items: vec![text_rcv(20, "hi bot")],
        },
        E::ChatItemReaction {
            user: user(),
            added: false,
            reaction: reaction(),
        },
        E::ChatItemsDeleted {
            user: user(),
            chat_item_deletions: deletions(),
            by_user: false,
            timed: true,
        },
        E::ChatItemUpdated {
            user: user(),
            chat_item: text_rcv(20, "hi bot!"),
        },
        E::GroupChatItemsDeleted {
            user: user(),
            group_info: gi(),
            chat_item_ids: vec![1, 2, 3],
            by_user: false,
            member: Some(am()),
        },
        E::ChatItemsStatusesUpdated {
            user: user(),
            chat_items: vec![direct(item(
                21,
                CIDirection::DirectSnd,
                CIContent::SndMsgContent {
                    msg_content: MsgContent::text("x"),
                },
                CIStatus::SndSent {
                    snd_progress: chat_api::item::SndCIStatusProgress::Complete,
                },
            ))],
        },
        E::ReceivedGroupInvitation {
            user: user(),
            group_info: gi(),
            contact: alice(),
            from_member_role: GroupMemberRole::Owner,
            member_role: GroupMemberRole::Member,
        },
        E::UserJoinedGroup {
            user: user(),
            group_info: gi(),
            host_member: am(),
        },
        E::GroupUpdated {
            user: user(),
            from_group: gi(),
            to_group: gi(),
            member: Some(am()),
            msg_signed: signed,
        },
        E::JoinedGroupMember {
            user: user(),
            group_info: gi(),
            member: am(),
        },
        E::MemberRole {
            user: user(),
            group_info: gi(),
            by_member: am(),
            member: membership(),
            from_role: GroupMemberRole::Member,
            to_role: GroupMemberRole::Admin,
            msg_signed: None,
        },
        E::DeletedMember {
            user: user(),
            group_info: gi(),
            by_member: membership(),
            deleted_member: am(),
            with_messages: false,
            msg_signed: Some(MsgSigStatus::SignedNoKey),
        },
        E::LeftMember {
            user: user(),
            group_info: gi(),
            member: am(),
            msg_signed: None,
        },
        E::DeletedMemberUser {
            user: user(),
            group_info: gi(),
            member: am(),
            with_messages: true,
            msg_signed: None,
        },
        E::GroupDeleted {
            user: user(),
            group_info: gi(),
            member: am(),
            msg_signed: signed,
        },
        E::ConnectedToGroupMember {
            user: user(),
            group_info: gi(),
            member: am(),
            member_contact: Some(alice()),
        },
        E::MemberAcceptedByOther {
            user: user(),
            group_info: gi(),
            accepting_member: membership(),
            member: am(),
        },
        E::MemberBlockedForAll {
            user: user(),
            group_info: gi(),
            by_member: membership(),
            member: am(),
            blocked: true,
            msg_signed: None,
        },
        E::GroupMemberUpdated {
            user: user(),
            group_info: gi(),
            from_member: am(),
            to_member: am(),
        },
        E::RcvFileDescrReady {
            user: user(),
            chat_item: text_rcv(22, "file"),
            rcv_file_transfer: rcv_file_transfer(),
            rcv_file_descr: rcv_file_descr(),
        },
        E::RcvFileComplete {
            user: user(),
            chat_item: text_rcv(22, "file"),
        },
        E::SndFileCompleteXftp {
            user: user(),
            chat_item: text_snd(23, "file"),
            file_transfer_meta: file_transfer_meta(),
        },
        E::RcvFileStart {
            user: user(),
            chat_item: text_rcv(22, "file"),
        },
        E::RcvFileSndCancelled {
            user: user(),
            chat_item: text_rcv(22, "file"),
            rcv_file_transfer: rcv_file_transfer(),
        },
        E::RcvFileAccepted {
            user: user(),
            chat_item: text_rcv(22, "file"),
        },
        E::SndFileError {
            user: user(),
            chat_item: None,
            file_transfer_meta: file_transfer_meta(),
            error_message: "upload failed".into(),
        },
        E::SndFileWarning {
            user: user(),
            chat_item: Some(text_snd(23, "file")),
            file_transfer_meta: file_transfer_meta(),
            error_message: "retrying".into(),
        },
        E::AcceptingContactRequest {
            user: user(),
            contact: alice(),
        },
        E::AcceptingBusinessRequest {
            user: user(),
            group_info: business_group_info(),
        },
        E::ContactConnecting {
            user: user(),
            contact: alice(),
        },
        E::BusinessLinkConnecting {
            user: user(),
            group_info: gi(),
            host_member: am(),
            from_contact: alice(),
        },
        E::JoinedGroupMemberConnecting {
            user: user(),
            group_info: gi(),
            host_member: membership(),
            member: am(),
        },
        E::SentGroupInvitation {
            user: user(),
            group_info: gi(),
            contact: alice(),
            member: am(),
        },
        E::GroupLinkConnecting {
            user: user(),
            group_info: gi(),
            host_member: am(),
        },
        E::HostConnected {
            protocol: "smp".into(),
            transport_host: "smp.example".into(),
        },
        E::HostDisconnected {
            protocol: "xftp".into(),
            transport_host: "xftp.example".into(),
        },
        E::SubscriptionStatus {
            server: "smp://abc@smp.example".into(),
            subscription_status: chat_api::event::SubscriptionStatus::Active,
            connections: vec!["Y29ubg==".into()],
        },
        E::SubscriptionStatus {
            server: "smp://abc@smp.example".into(),
            subscription_status: chat_api::event::SubscriptionStatus::Removed {
                sub_error: "AUTH".into(),
            },
            connections: vec![],
        },
        E::SubscriptionStatus {
            server: "smp://abc@smp.example".into(),
            subscription_status: chat_api::event::SubscriptionStatus::NoSub,
            connections: vec![],
        },
        E::SubscriptionStatus {
            server: "smp://abc@smp.example".into(),
            subscription_status: chat_api::event::SubscriptionStatus::Pending,
            connections: vec![],
        },
        E::MessageError {
            user: user(),
            severity: "error".into(),
            error_message: "bad message".into(),
        },
        E::ChatErrors {
            chat_errors: all_chat_errors(),
        },
    ];
    for agent_error in all_agent_errors() {
        v.push(E::RcvFileError {
            user: user(),
            chat_item: Some(text_rcv(22, "file")),
            agent_error: agent_error.clone(),
            rcv_file_transfer: rcv_file_transfer(),
        });
        v.push(E::RcvFileWarning {
            user: user(),
            chat_item: None,
            agent_error,
            rcv_file_transfer: rcv_file_transfer(),
        });
    }
    v.extend(
        all_chat_errors()
            .into_iter()
            .map(|chat_error| E::ChatError { chat_error }),
    );
    v.push(E::NewChatItems {
        user: user(),
        chat_items: all_items(),
    });
    v
}
