//! Responses to commands (`ChatResponse`), tagged by `type`.

use crate::address::UserContactLink;
use crate::common::CreatedConnLink;
use crate::conn::PendingContactConnection;
use crate::contact::{Contact, UserContactRequest};
use crate::errors::ChatError;
use crate::file::{FileTransferMeta, RcvFileTransfer, SndFileTransfer};
use crate::group::{Group, GroupInfo, GroupLink, GroupMember};
use crate::item::{ACIReaction, AChat, AChatItem, ChatItemDeletion};
use crate::user::{User, UserInfo};
use chat_proto::profile::Profile;
use chat_proto::role::GroupMemberRole;
use serde::{Deserialize, Serialize};

/// What a profile update changed (`UserProfileUpdateSummary`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfileUpdateSummary {
    /// Contacts the new profile was sent to.
    pub update_successes: i64,
    /// Contacts it could not be sent to.
    pub update_failures: i64,
    /// Contacts whose preferences changed.
    pub changed_contacts: Vec<Contact>,
}

/// A response to a command (`ChatResponse`); the ones the bot API documents.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[allow(clippy::large_enum_variant)] // built once per reply and serialized at once
pub enum ChatResponse {
    /// The active user.
    ActiveUser {
        /// The user.
        user: User,
    },
    /// All users.
    UsersList {
        /// The users.
        users: Vec<UserInfo>,
    },
    /// The user's address.
    UserContactLink {
        /// The user.
        user: User,
        /// The address.
        contact_link: UserContactLink,
    },
    /// The address was created.
    UserContactLinkCreated {
        /// The user.
        user: User,
        /// The new address link.
        conn_link_contact: CreatedConnLink,
    },
    /// The address was deleted.
    UserContactLinkDeleted {
        /// The user.
        user: User,
    },
    /// The address settings changed.
    UserContactLinkUpdated {
        /// The user.
        user: User,
        /// The address.
        contact_link: UserContactLink,
    },
    /// The user's profile changed.
    UserProfileUpdated {
        /// The user.
        user: User,
        /// Before.
        from_profile: Profile,
        /// After.
        to_profile: Profile,
        /// What the update reached.
        update_summary: UserProfileUpdateSummary,
    },
    /// The profile did not change.
    UserProfileNoChange {
        /// The user.
        user: User,
    },
    /// The user's contacts.
    ContactsList {
        /// The user.
        user: User,
        /// The contacts.
        contacts: Vec<Contact>,
    },
    /// The user's groups.
    GroupsList {
        /// The user.
        user: User,
        /// The groups.
        groups: Vec<GroupInfo>,
    },
    /// Items were sent.
    NewChatItems {
        /// The user.
        user: User,
        /// The items.
        chat_items: Vec<AChatItem>,
    },
    /// An item was updated.
    ChatItemUpdated {
        /// The user.
        user: User,
        /// The item.
        chat_item: AChatItem,
    },
    /// An update changed nothing.
    ChatItemNotChanged {
        /// The user.
        user: User,
        /// The item.
        chat_item: AChatItem,
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
    /// A reaction was set or removed.
    ChatItemReaction {
        /// The user.
        user: User,
        /// Set (or removed).
        added: bool,
        /// The reaction.
        reaction: ACIReaction,
    },
    /// A contact request is being accepted.
    AcceptingContactRequest {
        /// The user.
        user: User,
        /// The new contact.
        contact: Contact,
    },
    /// A contact request was rejected.
    ContactRequestRejected {
        /// The user.
        user: User,
        /// The request.
        contact_request: UserContactRequest,
        /// The contact made for it, if any.
        #[serde(rename = "contact_", default, skip_serializing_if = "Option::is_none")]
        contact: Option<Contact>,
    },
    /// A one-time invitation was created.
    Invitation {
        /// The user.
        user: User,
        /// The invitation link.
        conn_link_invitation: CreatedConnLink,
        /// The pending connection.
        connection: PendingContactConnection,
    },
    /// Joining an invitation was confirmed to the peer.
    SentConfirmation {
        /// The user.
        user: User,
        /// The pending connection.
        connection: PendingContactConnection,
        /// The incognito profile used, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        custom_user_profile: Option<Profile>,
    },
    /// A contact request was sent to an address.
    SentInvitation {
        /// The user.
        user: User,
        /// The pending connection.
        connection: PendingContactConnection,
        /// The incognito profile used, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        custom_user_profile: Option<Profile>,
    },
    /// The link belongs to an existing contact.
    ContactAlreadyExists {
        /// The user.
        user: User,
        /// The contact.
        contact: Contact,
    },
    /// A contact was deleted.
    ContactDeleted {
        /// The user.
        user: User,
        /// The contact.
        contact: Contact,
    },
    /// A pending connection was deleted.
    ContactConnectionDeleted {
        /// The user.
        user: User,
        /// The connection.
        connection: PendingContactConnection,
    },
    /// The user deleted a group.
    GroupDeletedUser {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// Whether the deletion was signed.
        msg_signed: bool,
    },
    /// A group was created.
    GroupCreated {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
    },
    /// A group's members.
    GroupMembers {
        /// The user.
        user: User,
        /// The group with members.
        group: Group,
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
        /// Whether the change was signed.
        msg_signed: bool,
    },
    /// A group link was created.
    GroupLinkCreated {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The link.
        group_link: GroupLink,
    },
    /// A group's link.
    GroupLink {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The link.
        group_link: GroupLink,
    },
    /// A group link was deleted.
    GroupLinkDeleted {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
    },
    /// A contact was invited to a group.
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
    /// The user accepted a group invitation.
    UserAcceptedGroupSent {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The inviting contact, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        host_contact: Option<Contact>,
    },
    /// A member was accepted.
    MemberAccepted {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The member.
        member: GroupMember,
    },
    /// The user changed members' roles.
    MembersRoleUser {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The members.
        members: Vec<GroupMember>,
        /// The new role.
        to_role: GroupMemberRole,
        /// Whether the change was signed.
        msg_signed: bool,
    },
    /// The user removed members.
    UserDeletedMembers {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
        /// The members.
        members: Vec<GroupMember>,
        /// Whether their messages were removed too.
        with_messages: bool,
        /// Whether the removal was signed.
        msg_signed: bool,
    },
    /// The user left a group.
    LeftMemberUser {
        /// The user.
        user: User,
        /// The group.
        group_info: GroupInfo,
    },
    /// A file is being received.
    RcvFileAccepted {
        /// The user.
        user: User,
        /// The file's item.
        chat_item: AChatItem,
    },
    /// The file was accepted but the sender cancelled it.
    RcvFileAcceptedSndCancelled {
        /// The user.
        user: User,
        /// The transfer.
        rcv_file_transfer: RcvFileTransfer,
    },
    /// Receiving a file was cancelled.
    RcvFileCancelled {
        /// The user.
        user: User,
        /// The file's item, if any.
        #[serde(rename = "chatItem_", default, skip_serializing_if = "Option::is_none")]
        chat_item: Option<AChatItem>,
        /// The transfer.
        rcv_file_transfer: RcvFileTransfer,
    },
    /// Sending a file was cancelled.
    SndFileCancelled {
        /// The user.
        user: User,
        /// The file's item, if any.
        #[serde(rename = "chatItem_", default, skip_serializing_if = "Option::is_none")]
        chat_item: Option<AChatItem>,
        /// The file.
        file_transfer_meta: FileTransferMeta,
        /// The per-recipient transfers (SMP files).
        snd_file_transfers: Vec<SndFileTransfer>,
    },
    /// One chat with a page of its items (`/_get chat`; `navInfo` is not sent).
    ApiChat {
        /// The user.
        user: User,
        /// The chat.
        chat: AChat,
    },
    /// The user's chats (`/_get chats`).
    ApiChats {
        /// The user.
        user: User,
        /// The chats.
        chats: Vec<AChat>,
    },
    /// A contact's preferences changed.
    ContactPrefsUpdated {
        /// The user.
        user: User,
        /// Before.
        from_contact: Contact,
        /// After.
        to_contact: Contact,
    },
    /// The chat started.
    ChatStarted,
    /// The chat was running already.
    ChatRunning,
    /// The chat stopped.
    ChatStopped,
    /// The command succeeded.
    CmdOk {
        /// The user, if the command had one.
        #[serde(rename = "user_", default, skip_serializing_if = "Option::is_none")]
        user: Option<User>,
    },
    /// The command failed (the WebSocket server's form of an error reply).
    ChatCmdError {
        /// The error.
        chat_error: ChatError,
    },
}
