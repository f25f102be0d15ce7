//! The content of chat items (`CIContent`) and the event kinds it names.

use crate::common::PrefEnabled;
use chat_proto::content::MsgContent;
use chat_proto::prefs::{FeatureAllowed, GroupFeatureEnabled};
use chat_proto::profile::{GroupProfile, Profile};
use chat_proto::role::GroupMemberRole;
use serde::{Deserialize, Serialize};

/// How an item is deleted (`CIDeleteMode`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CIDeleteMode {
    /// For everyone.
    Broadcast,
    /// Only locally.
    Internal,
    /// Only locally, kept marked deleted.
    InternalMark,
    /// Together with the history.
    History,
}

/// A call's state (`CICallStatus`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CICallStatus {
    /// Ringing.
    Pending,
    /// Not answered.
    Missed,
    /// Rejected.
    Rejected,
    /// Accepted.
    Accepted,
    /// Keys agreed.
    Negotiated,
    /// In progress.
    Progress,
    /// Ended.
    Ended,
    /// Failed.
    Error,
}

/// A gap or repeat in received message ids (`MsgErrorType`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum MsgErrorType {
    /// Messages were skipped.
    MsgSkipped {
        /// The first skipped id.
        from_msg_id: i64,
        /// The last skipped id.
        to_msg_id: i64,
    },
    /// An id out of order.
    MsgBadId {
        /// The id.
        msg_id: i64,
    },
    /// A hash mismatch.
    MsgBadHash,
    /// A duplicate.
    MsgDuplicate,
}

/// Why a message could not be decrypted (`MsgDecryptError`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MsgDecryptError {
    /// Bad ratchet header.
    RatchetHeader,
    /// Too many skipped messages.
    TooManySkipped,
    /// A message from an earlier ratchet.
    RatchetEarlier,
    /// Other.
    Other,
    /// The ratchet needs resynchronisation.
    RatchetSync,
}

/// A contact feature (`ChatFeature`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChatFeature {
    /// Disappearing messages.
    TimedMessages,
    /// Full deletion.
    FullDelete,
    /// Reactions.
    Reactions,
    /// Voice messages.
    Voice,
    /// Files.
    Files,
    /// Calls.
    Calls,
    /// Sessions.
    Sessions,
}

/// A group feature (`GroupFeature`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GroupFeature {
    /// Disappearing messages.
    TimedMessages,
    /// Direct messages.
    DirectMessages,
    /// Full deletion.
    FullDelete,
    /// Reactions.
    Reactions,
    /// Voice messages.
    Voice,
    /// Files.
    Files,
    /// SimpleX links.
    SimplexLinks,
    /// Reports.
    Reports,
    /// History.
    History,
    /// Support chats.
    Support,
    /// Sessions.
    Sessions,
    /// Comments.
    Comments,
    /// Signed messages.
    SignMessages,
}

/// A group preference as shown in a feature item (`GroupPreference`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct GroupPreferenceItem {
    /// On or off.
    pub enable: GroupFeatureEnabled,
}

/// The state of a group invitation (`CIGroupInvitationStatus`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CIGroupInvitationStatus {
    /// Not answered.
    Pending,
    /// Accepted.
    Accepted,
    /// Rejected.
    Rejected,
    /// Expired.
    Expired,
}

/// A group invitation in a chat (`CIGroupInvitation`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CIGroupInvitation {
    /// The group.
    pub group_id: i64,
    /// The invited member.
    pub group_member_id: i64,
    /// The group's local name.
    pub local_display_name: String,
    /// The group's profile.
    pub group_profile: GroupProfile,
    /// Its state.
    pub status: CIGroupInvitationStatus,
}

/// An end-to-end encryption notice (`E2EInfo`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct E2EInfo {
    /// Whether the chat is public (a channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    /// Whether post-quantum encryption is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pq_enabled: Option<bool>,
}

/// An event in a direct chat (`RcvDirectEvent`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RcvDirectEvent {
    /// The contact deleted the user.
    ContactDeleted,
    /// The contact changed its profile.
    ProfileUpdated {
        /// Before.
        from_profile: Profile,
        /// After.
        to_profile: Profile,
    },
    /// A group link was received.
    GroupInvLinkReceived {
        /// The group's profile.
        group_profile: GroupProfile,
    },
}

/// A member's role change in a group event.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberRoleChange {
    /// The member.
    pub group_member_id: i64,
    /// Its profile.
    pub profile: Profile,
    /// The new role.
    pub role: GroupMemberRole,
}

/// A member blocked or unblocked in a group event.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberBlockChange {
    /// The member.
    pub group_member_id: i64,
    /// Its profile.
    pub profile: Profile,
    /// Blocked or not.
    #[serde(default)]
    pub blocked: bool,
}

/// A member event received in a group (`RcvGroupEvent`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RcvGroupEvent {
    /// A member was added.
    MemberAdded(GroupMemberRef),
    /// The member connected.
    MemberConnected,
    /// A member was accepted.
    MemberAccepted(GroupMemberRef),
    /// The user was accepted.
    UserAccepted,
    /// The member left.
    MemberLeft,
    /// A member's role changed.
    MemberRole(MemberRoleChange),
    /// A member was blocked or unblocked.
    MemberBlocked(MemberBlockChange),
    /// The user's role changed.
    UserRole {
        /// The new role.
        role: GroupMemberRole,
    },
    /// A member was removed.
    MemberDeleted(GroupMemberRef),
    /// The user was removed.
    UserDeleted,
    /// The group was deleted.
    GroupDeleted,
    /// The group's profile changed.
    GroupUpdated {
        /// The new profile.
        group_profile: GroupProfile,
    },
    /// The member joined through the group link.
    InvitedViaGroupLink,
    /// The member created a contact with the user.
    MemberCreatedContact,
    /// A member's profile changed.
    MemberProfileUpdated {
        /// Before.
        from_profile: Profile,
        /// After.
        to_profile: Profile,
    },
    /// A new member waits for review.
    NewMemberPendingReview,
    /// A message had a bad signature.
    MsgBadSignature,
}

/// A member event sent by the user in a group (`SndGroupEvent`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SndGroupEvent {
    /// The user changed a member's role.
    MemberRole(MemberRoleChange),
    /// The user blocked or unblocked a member.
    MemberBlocked(MemberBlockChange),
    /// The user's role changed.
    UserRole {
        /// The new role.
        role: GroupMemberRole,
    },
    /// The user removed a member.
    MemberDeleted(GroupMemberRef),
    /// The user left.
    UserLeft,
    /// The user changed the group's profile.
    GroupUpdated {
        /// The new profile.
        group_profile: GroupProfile,
    },
    /// The user accepted a member.
    MemberAccepted(GroupMemberRef),
    /// The user waits for review.
    UserPendingReview,
}

/// A step of a queue rotation (`SwitchPhase`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SwitchPhase {
    /// Started.
    Started,
    /// Confirmed.
    Confirmed,
    /// Secured.
    Secured,
    /// Completed.
    Completed,
}

/// A ratchet resynchronisation state (`RatchetSyncState`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RatchetSyncState {
    /// In sync.
    Ok,
    /// Resync is allowed.
    Allowed,
    /// Resync is required.
    Required,
    /// Resync started.
    Started,
    /// Resync agreed.
    Agreed,
}

/// A member named in a connection event (`GroupMemberRef`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMemberRef {
    /// The member.
    pub group_member_id: i64,
    /// Its profile.
    pub profile: Profile,
}

/// A connection event received (`RcvConnEvent`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RcvConnEvent {
    /// The peer rotates its queue.
    SwitchQueue {
        /// How far.
        phase: SwitchPhase,
    },
    /// Ratchet resynchronisation.
    RatchetSync {
        /// Its state.
        sync_status: RatchetSyncState,
    },
    /// The security code was reset.
    VerificationCodeReset,
    /// Post-quantum encryption changed.
    PqEnabled {
        /// On or off.
        #[serde(default)]
        enabled: bool,
    },
}

/// A connection event of the user (`SndConnEvent`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SndConnEvent {
    /// The user rotates its queue.
    SwitchQueue {
        /// How far.
        phase: SwitchPhase,
        /// With which member.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<GroupMemberRef>,
    },
    /// Ratchet resynchronisation.
    RatchetSync {
        /// Its state.
        sync_status: RatchetSyncState,
        /// With which member.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<GroupMemberRef>,
    },
    /// Post-quantum encryption changed.
    PqEnabled {
        /// On or off.
        #[serde(default)]
        enabled: bool,
    },
}

/// A call in a chat item.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CallItem {
    /// Its state.
    pub status: CICallStatus,
    /// Its duration, seconds.
    pub duration: i64,
}

/// A group invitation with the offered role, in a chat item.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupInvitationItem {
    /// The invitation.
    pub group_invitation: CIGroupInvitation,
    /// The offered role.
    pub member_role: GroupMemberRole,
}

/// A contact feature turned on or off, in a chat item.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ChatFeatureItem {
    /// Which.
    pub feature: ChatFeature,
    /// For whom it is on.
    pub enabled: PrefEnabled,
    /// Its parameter (a time to live).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<i64>,
}

/// A contact preference changed, in a chat item.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ChatPreferenceItem {
    /// Which.
    pub feature: ChatFeature,
    /// The new value.
    pub allowed: FeatureAllowed,
    /// Its parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<i64>,
}

/// A group feature changed, in a chat item.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupFeatureItem {
    /// Which.
    pub group_feature: GroupFeature,
    /// The new value.
    pub preference: GroupPreferenceItem,
    /// Its parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<i64>,
    /// The lowest role it applies to.
    #[serde(
        rename = "memberRole_",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub member_role: Option<GroupMemberRole>,
}

/// The content of a chat item (`CIContent`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CIContent {
    /// A message the user sent.
    SndMsgContent {
        /// The message.
        msg_content: MsgContent,
    },
    /// A message received.
    RcvMsgContent {
        /// The message.
        msg_content: MsgContent,
    },
    /// The user deleted a message.
    SndDeleted {
        /// How.
        delete_mode: CIDeleteMode,
    },
    /// A message was deleted by its sender.
    RcvDeleted {
        /// How.
        delete_mode: CIDeleteMode,
    },
    /// A call the user made.
    SndCall(CallItem),
    /// A call received.
    RcvCall(CallItem),
    /// Received message ids did not follow on.
    RcvIntegrityError {
        /// How.
        msg_error: MsgErrorType,
    },
    /// Messages could not be decrypted.
    RcvDecryptionError {
        /// Why.
        msg_decrypt_error: MsgDecryptError,
        /// How many.
        msg_count: u32,
    },
    /// A group invitation received.
    RcvGroupInvitation(GroupInvitationItem),
    /// A group invitation the user sent.
    SndGroupInvitation(GroupInvitationItem),
    /// An event in a direct chat.
    RcvDirectEvent {
        /// The event.
        rcv_direct_event: RcvDirectEvent,
    },
    /// A group event received.
    RcvGroupEvent {
        /// The event.
        rcv_group_event: RcvGroupEvent,
    },
    /// A group event of the user.
    SndGroupEvent {
        /// The event.
        snd_group_event: SndGroupEvent,
    },
    /// A connection event received.
    RcvConnEvent {
        /// The event.
        rcv_conn_event: RcvConnEvent,
    },
    /// A connection event of the user.
    SndConnEvent {
        /// The event.
        snd_conn_event: SndConnEvent,
    },
    /// The contact's feature changed.
    RcvChatFeature(ChatFeatureItem),
    /// The user's feature changed.
    SndChatFeature(ChatFeatureItem),
    /// The contact's preference changed.
    RcvChatPreference(ChatPreferenceItem),
    /// The user's preference changed.
    SndChatPreference(ChatPreferenceItem),
    /// A group feature changed.
    RcvGroupFeature(GroupFeatureItem),
    /// The user changed a group feature.
    SndGroupFeature(GroupFeatureItem),
    /// A message used a feature the user turned off.
    RcvChatFeatureRejected {
        /// Which.
        feature: ChatFeature,
    },
    /// A message used a group feature that is off.
    RcvGroupFeatureRejected {
        /// Which.
        group_feature: GroupFeature,
    },
    /// A message the user sent was moderated.
    SndModerated,
    /// A message received was moderated.
    RcvModerated,
    /// A message from a blocked member.
    RcvBlocked,
    /// Encryption notice of a direct chat the user started.
    #[serde(rename = "sndDirectE2EEInfo")]
    SndDirectE2eeInfo {
        /// The notice.
        e2ee_info: E2EInfo,
    },
    /// Encryption notice of a direct chat the peer started.
    #[serde(rename = "rcvDirectE2EEInfo")]
    RcvDirectE2eeInfo {
        /// The notice.
        e2ee_info: E2EInfo,
    },
    /// Encryption notice of a group the user created.
    #[serde(rename = "sndGroupE2EEInfo")]
    SndGroupE2eeInfo {
        /// The notice.
        e2ee_info: E2EInfo,
    },
    /// Encryption notice of a group the user joined.
    #[serde(rename = "rcvGroupE2EEInfo")]
    RcvGroupE2eeInfo {
        /// The notice.
        e2ee_info: E2EInfo,
    },
    /// The banner at the top of a chat.
    ChatBanner,
}
