//! Group invitations, introductions and member data (reference `Simplex.Chat.Types`).

use crate::ids::{GroupLinkId, MemberId};
use crate::profile::{GroupProfile, Profile};
use crate::role::{GroupAcceptance, GroupMemberRole};
use crate::version::ChatVRange;
use serde::{Deserialize, Serialize};

/// A member's id and role.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberIdRole {
    /// The member id.
    pub member_id: MemberId,
    /// The role.
    pub member_role: GroupMemberRole,
}

text_enum!(
    /// Which side of a business chat this is.
    BusinessChatType {
        /// The customer's side (the business is the other party).
        Business = "business",
        /// The business's side.
        Customer = "customer",
    }
);

/// Marks a group as a business chat.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessChatInfo {
    /// Which side this is.
    pub chat_type: BusinessChatType,
    /// The business's member id.
    pub business_id: MemberId,
    /// The customer's member id.
    pub customer_id: MemberId,
}

/// An invitation to a group sent to a contact (`x.grp.inv`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupInvitation {
    /// The inviting member.
    pub from_member: MemberIdRole,
    /// The invited member.
    pub invited_member: MemberIdRole,
    /// The invitation link of the member connection.
    pub conn_request: String,
    /// The group's profile.
    pub group_profile: GroupProfile,
    /// Business chat data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business: Option<BusinessChatInfo>,
    /// Set when the invitation answers a group link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_link_id: Option<GroupLinkId>,
    /// The number of members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_size: Option<i64>,
}

/// The host's answer to a member joining by group link (`x.grp.link.inv`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupLinkInvitation {
    /// The host.
    pub from_member: MemberIdRole,
    /// The host's name.
    pub from_member_name: String,
    /// The joining member.
    pub invited_member: MemberIdRole,
    /// The group's profile.
    pub group_profile: GroupProfile,
    /// Whether the member is accepted or pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<GroupAcceptance>,
    /// Business chat data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business: Option<BusinessChatInfo>,
    /// The number of members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_size: Option<i64>,
}

text_enum!(
    /// Why a join request was rejected.
    GroupRejectionReason {
        /// The name is too long.
        LongName = "long_name",
        /// The name is blocked.
        BlockedName = "blocked_name",
    }
    unknown
    /// A reason from a newer client.
    Unknown
);

/// The host's rejection of a member joining by group link (`x.grp.link.reject`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupLinkRejection {
    /// The host.
    pub from_member: MemberIdRole,
    /// The rejected member.
    pub invited_member: MemberIdRole,
    /// The group's profile.
    pub group_profile: GroupProfile,
    /// Why.
    pub rejection_reason: GroupRejectionReason,
}

/// Links a member creates for another member it is introduced to.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntroInvitation {
    /// The invitation for the group connection.
    pub group_conn_req: String,
    /// The invitation for a direct connection (legacy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_conn_req: Option<String>,
}

/// A member as announced or introduced to others.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberInfo {
    /// The member id.
    pub member_id: MemberId,
    /// The role.
    pub member_role: GroupMemberRole,
    /// The member's chat version range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v: Option<ChatVRange>,
    /// The member's (redacted) profile.
    pub profile: Profile,
}

text_enum!(
    /// A restriction put on a member by admins.
    MemberRestrictionStatus {
        /// Messages are blocked for everyone.
        Blocked = "blocked",
        /// No restriction.
        Unrestricted = "unrestricted",
    }
    unknown
    /// A status from a newer client.
    Unknown
);

/// Restrictions of a member (`x.grp.mem.restrict`, `x.grp.mem.intro`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct MemberRestrictions {
    /// The restriction.
    pub restriction: MemberRestrictionStatus,
}

/// The invitation of a chat relay to a channel (`GroupRelayInvitation`), read from the
/// object that `x.grp.relay.inv` keeps verbatim (relay groups are still changing in the
/// reference, so the event keeps the object and this type reads the known fields).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRelayInvitation {
    /// The inviting owner.
    pub from_member: MemberIdRole,
    /// The owner's profile.
    pub from_member_profile: Profile,
    /// The member id given to the relay.
    pub relay_member_id: MemberId,
    /// The channel's short link.
    pub group_link: String,
}

impl GroupRelayInvitation {
    /// Reads the known fields of an `x.grp.relay.inv` object.
    pub fn from_object(obj: &crate::json::Object) -> Result<Self, crate::error::ChatProtoError> {
        Self::deserialize(serde_json::Value::Object(obj.clone()))
            .map_err(crate::error::ChatProtoError::from)
    }
}
