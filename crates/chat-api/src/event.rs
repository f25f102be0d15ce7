//! Events the chat sends without a request (`ChatEvent`), tagged by `type`.

use crate::contact::{Contact, UserContactRequest};
use crate::errors::{AgentErrorType, ChatError};
use crate::file::{FileTransferMeta, RcvFileDescr, RcvFileTransfer};
use crate::group::{GroupInfo, GroupMember};
use crate::item::{ACIReaction, AChat, AChatItem, ChatItemDeletion};
use crate::user::User;
use chat_proto::profile::Profile;
use chat_proto::role::GroupMemberRole;
use serde::{Deserialize, Serialize};

/// How a signed group message verified (`MsgSigStatus`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MsgSigStatus {
    /// The signature is valid.
    Verified,
    /// Signed, but the key is not known.
    SignedNoKey,
}

/// The state of subscriptions on a relay (`SubscriptionStatus`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SubscriptionStatus {
    /// Subscribed.
    Active,
    /// Waiting to subscribe.
    Pending,
    /// The relay ended them.
    Removed {
        /// Why.
        sub_error: String,
    },
    /// No subscription.
    NoSub,
}

/// An event (`ChatEvent`); the ones the bot API documents.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[allow(clippy::large_enum_variant)] // built once per event and serialized at once
pub enum ChatEvent {
    /// A contact connected.
    ContactConnected {
        /// The user.
        user: User,
        /// The contact.
        contact: Contact,
        /// The incognito profile used, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_custom_profile: Option<Profile>,
    },
    /// A contact changed its profile.
    ContactUpdated {
        /// The user.
        user: User,
        /// Before.
        from_contact: Contact,
        /// After.
        to_contact: Contact,
    },
    /// A contact deleted the user.
    ContactDeletedByContact {
        /// The user.
        user: User,
        /// The contact.
        contact: Contact,
    },
    /// A contact request arrived at the user's address.
    ReceivedContactRequest {
        /// The user.
        user: User,
        /// The request.
        contact_request: UserContactRequest,
        /// The request's chat, when it was made.
        #[serde(rename = "chat_", default, skip_serializing_if = "Option::is_none")]
        chat: Option<AChat>,
    },
    /// A group member offered a direct contact.
    NewMemberContactReceivedInv {
        /// The user.
        user: User,
        /// The new contact.
        contact: Contact,
        /// The group.
        group_info: GroupInfo,
        /// The member.
        member: GroupMember,
    },
    /// The user can send to a contact.
    ContactSndReady {
        /// The user.
        user: User,
        /// The contact.
        contact: Contact,
    },
    /// New items (received or sent from another client).
    NewChatItems {
        /// The user.
        user: User,
        /// The items.
        chat_items: Vec<AChatItem>,
    },
    /// A reaction was set or removed.
    ChatItemReaction {
        /// The user.
        user: User,
        /// Set (or removed).
        added: bool,
        /// The reaction.
        reaction: ACIReaction,
    },
    /// Items were deleted.
    ChatItemsDeleted {
        /// The user.
        user: User,
        /// The deletions.
        chat_item_deletions: Vec<ChatItemDeletion>,
        /// Whether the user deleted them.
        by_user: bool,
        /// Whether they expired.
        timed: bool,
    },
    /// An item was updated.
    ChatItemUpdated {
        /// The user.
        user: User,
        /// The item.
        chat_item: AChatItem,
    },
    /// Group items were deleted.
    GroupChatItemsDeleted {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The items.
        #[serde(rename = "chatItemIDs")]
        chat_item_ids: Vec<i64>,
        /// Whether the user deleted them.
        by_user: bool,
        /// The member that deleted them.
        #[serde(rename = "member_", default, skip_serializing_if = "Option::is_none")]
        member: Option<GroupMember>,
    },
    /// Delivery states changed.
    ChatItemsStatusesUpdated {
        /// The user.
        user: User,
        /// The items.
        chat_items: Vec<AChatItem>,
    },
    /// A group invitation arrived.
    ReceivedGroupInvitation {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The inviting contact.
        contact: Contact,
        /// The inviter's role.
        from_member_role: GroupMemberRole,
        /// The offered role.
        member_role: GroupMemberRole,
    },
    /// The user joined a group.
    UserJoinedGroup {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The host member.
        host_member: GroupMember,
    },
    /// A group's profile changed.
    GroupUpdated {
        /// The user.
        user: User,
        /// Before.
        from_group: GroupInfo,
        /// After.
        to_group: GroupInfo,
        /// The member that changed it.
        #[serde(rename = "member_", default, skip_serializing_if = "Option::is_none")]
        member: Option<GroupMember>,
        /// The signature status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msg_signed: Option<MsgSigStatus>,
    },
    /// A member joined.
    JoinedGroupMember {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The member.
        member: GroupMember,
    },
    /// A member's role changed.
    MemberRole {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// Who changed it.
        by_member: GroupMember,
        /// The member.
        member: GroupMember,
        /// Before.
        from_role: GroupMemberRole,
        /// After.
        to_role: GroupMemberRole,
        /// The signature status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msg_signed: Option<MsgSigStatus>,
    },
    /// A member was removed.
    DeletedMember {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// Who removed it.
        by_member: GroupMember,
        /// The removed member.
        deleted_member: GroupMember,
        /// Whether its messages were removed.
        with_messages: bool,
        /// The signature status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msg_signed: Option<MsgSigStatus>,
    },
    /// A member left.
    LeftMember {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The member.
        member: GroupMember,
        /// The signature status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msg_signed: Option<MsgSigStatus>,
    },
    /// The user was removed.
    DeletedMemberUser {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// Who removed the user.
        member: GroupMember,
        /// Whether the user's messages were removed.
        with_messages: bool,
        /// The signature status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msg_signed: Option<MsgSigStatus>,
    },
    /// A group was deleted.
    GroupDeleted {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// Who deleted it.
        member: GroupMember,
        /// The signature status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msg_signed: Option<MsgSigStatus>,
    },
    /// The user connected to a member.
    ConnectedToGroupMember {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The member.
        member: GroupMember,
        /// The member's contact, if made.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member_contact: Option<Contact>,
    },
    /// Another admin accepted a member.
    MemberAcceptedByOther {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The admin.
        accepting_member: GroupMember,
        /// The member.
        member: GroupMember,
    },
    /// A member was blocked or unblocked for all.
    MemberBlockedForAll {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// Who did it.
        by_member: GroupMember,
        /// The member.
        member: GroupMember,
        /// Blocked or not.
        blocked: bool,
        /// The signature status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msg_signed: Option<MsgSigStatus>,
    },
    /// A member's record changed.
    GroupMemberUpdated {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// Before.
        from_member: GroupMember,
        /// After.
        to_member: GroupMember,
    },
    /// A file's description arrived; it can be received.
    RcvFileDescrReady {
        /// The user.
        user: User,
        /// The file's item.
        chat_item: AChatItem,
        /// The transfer.
        rcv_file_transfer: RcvFileTransfer,
        /// The description.
        rcv_file_descr: RcvFileDescr,
    },
    /// A file was received.
    RcvFileComplete {
        /// The user.
        user: User,
        /// The file's item.
        chat_item: AChatItem,
    },
    /// A file was uploaded.
    #[serde(rename = "sndFileCompleteXFTP")]
    SndFileCompleteXftp {
        /// The user.
        user: User,
        /// The file's item.
        chat_item: AChatItem,
        /// The transfer.
        file_transfer_meta: FileTransferMeta,
    },
    /// Receiving a file started.
    RcvFileStart {
        /// The user.
        user: User,
        /// The file's item.
        chat_item: AChatItem,
    },
    /// The sender cancelled a file.
    RcvFileSndCancelled {
        /// The user.
        user: User,
        /// The file's item.
        chat_item: AChatItem,
        /// The transfer.
        rcv_file_transfer: RcvFileTransfer,
    },
    /// A file was accepted.
    RcvFileAccepted {
        /// The user.
        user: User,
        /// The file's item.
        chat_item: AChatItem,
    },
    /// Receiving a file failed.
    RcvFileError {
        /// The user.
        user: User,
        /// The file's item, if any.
        #[serde(rename = "chatItem_", default, skip_serializing_if = "Option::is_none")]
        chat_item: Option<AChatItem>,
        /// Why.
        agent_error: AgentErrorType,
        /// The transfer.
        rcv_file_transfer: RcvFileTransfer,
    },
    /// Receiving a file is retried.
    RcvFileWarning {
        /// The user.
        user: User,
        /// The file's item, if any.
        #[serde(rename = "chatItem_", default, skip_serializing_if = "Option::is_none")]
        chat_item: Option<AChatItem>,
        /// Why.
        agent_error: AgentErrorType,
        /// The transfer.
        rcv_file_transfer: RcvFileTransfer,
    },
    /// Sending a file failed.
    SndFileError {
        /// The user.
        user: User,
        /// The file's item, if any.
        #[serde(rename = "chatItem_", default, skip_serializing_if = "Option::is_none")]
        chat_item: Option<AChatItem>,
        /// The transfer.
        file_transfer_meta: FileTransferMeta,
        /// Why.
        error_message: String,
    },
    /// Sending a file is retried.
    SndFileWarning {
        /// The user.
        user: User,
        /// The file's item, if any.
        #[serde(rename = "chatItem_", default, skip_serializing_if = "Option::is_none")]
        chat_item: Option<AChatItem>,
        /// The transfer.
        file_transfer_meta: FileTransferMeta,
        /// Why.
        error_message: String,
    },
    /// A contact request is being accepted (automatically).
    AcceptingContactRequest {
        /// The user.
        user: User,
        /// The new contact.
        contact: Contact,
    },
    /// A business request is being accepted.
    AcceptingBusinessRequest {
        /// The user.
        user: User,
        /// The business chat.
        group_info: GroupInfo,
    },
    /// A contact is connecting.
    ContactConnecting {
        /// The user.
        user: User,
        /// The contact.
        contact: Contact,
    },
    /// A business chat is connecting.
    BusinessLinkConnecting {
        /// The user.
        user: User,
        /// The business chat.
        group_info: GroupInfo,
        /// The host member.
        host_member: GroupMember,
        /// The contact it came from.
        from_contact: Contact,
    },
    /// A member joining through the user is connecting.
    JoinedGroupMemberConnecting {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The host member.
        host_member: GroupMember,
        /// The member.
        member: GroupMember,
    },
    /// A group invitation was sent.
    SentGroupInvitation {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The contact.
        contact: Contact,
        /// The new member.
        member: GroupMember,
    },
    /// Joining a group through its link is connecting.
    GroupLinkConnecting {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The host member.
        host_member: GroupMember,
    },
    /// A relay connected.
    HostConnected {
        /// `smp` or `xftp`.
        protocol: String,
        /// The host.
        transport_host: String,
    },
    /// A relay disconnected.
    HostDisconnected {
        /// `smp` or `xftp`.
        protocol: String,
        /// The host.
        transport_host: String,
    },
    /// Subscriptions on a relay changed state.
    SubscriptionStatus {
        /// The relay.
        server: String,
        /// The new state.
        subscription_status: SubscriptionStatus,
        /// The agent connection ids concerned.
        connections: Vec<String>,
    },
    /// A message-level error.
    MessageError {
        /// The user.
        user: User,
        /// `error` or `warning`.
        severity: String,
        /// The description.
        error_message: String,
    },
    /// An error not tied to a command.
    ChatError {
        /// The error.
        chat_error: ChatError,
    },
    /// Several errors not tied to a command.
    ChatErrors {
        /// The errors.
        chat_errors: Vec<ChatError>,
    },
}
