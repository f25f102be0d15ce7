//! Typed results of group commands and events; [`crate::view`] renders them.

use chat_proto::profile::GroupProfile;
use chat_proto::role::GroupMemberRole;

use crate::store::{Group, GroupItem, GroupLink, ItemStatus, Member};

/// The overall state of the user's group message from its delivery to each member,
/// as the reference's `membersGroupItemStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupSndState {
    /// Not sent to any member yet.
    New,
    /// Sent to some members (`complete`: to all), none confirmed.
    Sent {
        /// To all members.
        complete: bool,
    },
    /// Confirmed by some members (`complete`: by all).
    Rcvd {
        /// By all members.
        complete: bool,
    },
}

impl GroupSndState {
    /// The state from the deliveries to each member; a message to no member counts
    /// as sent.
    pub fn of(states: impl IntoIterator<Item = ItemStatus>) -> GroupSndState {
        let (mut total, mut rcvd, mut sent) = (0, 0, 0);
        for s in states {
            total += 1;
            match s {
                ItemStatus::SndRcvd | ItemStatus::Rcv => rcvd += 1,
                ItemStatus::SndSent => sent += 1,
                ItemStatus::SndNew => {}
            }
        }
        if total == 0 {
            GroupSndState::Sent { complete: true }
        } else if rcvd > 0 {
            GroupSndState::Rcvd {
                complete: rcvd == total,
            }
        } else if sent > 0 {
            GroupSndState::Sent {
                complete: sent == total,
            }
        } else {
            GroupSndState::New
        }
    }
}

/// Something that happened in a group. `None` as a name means the user.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupOutput {
    /// The user created a group.
    Created(Group),
    /// The user invited a contact.
    InvitationSent {
        /// The group's local name.
        group: String,
        /// The contact.
        contact: String,
        /// The role offered.
        role: GroupMemberRole,
    },
    /// A contact invited the user.
    Invited {
        /// The group.
        group: Group,
        /// The inviting contact.
        from: String,
    },
    /// The user accepted an invitation (connecting to the host).
    Joining(String),
    /// The user is connected to the host: a member now.
    Joined(String),
    /// A member the user invited connected.
    MemberJoined {
        /// The group.
        group: String,
        /// The member.
        member: String,
    },
    /// The host announced a new member (connecting to them).
    MemberAnnounced {
        /// The group.
        group: String,
        /// Who added them.
        by: String,
        /// The new member.
        member: String,
    },
    /// A direct connection with a member is established.
    MemberConnected {
        /// The group.
        group: String,
        /// The member.
        member: String,
    },
    /// A message sent or received.
    NewItem {
        /// The group.
        group: String,
        /// The message.
        item: GroupItem,
    },
    /// A message was edited (by the user or its author).
    ItemUpdated {
        /// The group.
        group: String,
        /// The message after the edit.
        item: GroupItem,
    },
    /// A message was deleted: marked deleted (see [`GroupItem::deleted`]) or, when
    /// `local`, removed from the user's history only.
    ItemDeleted {
        /// The group.
        group: String,
        /// The message (as it is now when marked deleted).
        item: GroupItem,
        /// The author's name (the user's own name for the user's messages).
        author: String,
        /// Deleted only locally.
        local: bool,
    },
    /// A reaction was added or removed.
    Reaction {
        /// The group.
        group: String,
        /// The message.
        item: GroupItem,
        /// The author's name (the user's own name for the user's messages).
        author: String,
        /// Who reacted (`None`: the user).
        by: Option<String>,
        /// Added (else removed).
        added: bool,
        /// The emoji.
        emoji: String,
    },
    /// The delivery state of the user's message to one member changed (sent, or a
    /// delivery receipt arrived).
    ItemStatus {
        /// The group.
        group: String,
        /// The message.
        item_id: i64,
        /// The member.
        member: String,
        /// The new state.
        status: ItemStatus,
        /// The message's overall state, when it changed.
        overall: Option<GroupSndState>,
    },
    /// A member was removed.
    Removed {
        /// The group.
        group: String,
        /// Who removed them.
        by: Option<String>,
        /// The removed member.
        member: Option<String>,
    },
    /// A member left.
    Left {
        /// The group.
        group: String,
        /// Who left.
        member: Option<String>,
    },
    /// The group was deleted.
    Deleted {
        /// The group.
        group: String,
        /// Who deleted it.
        by: Option<String>,
    },
    /// A member's role changed.
    RoleChanged {
        /// The group.
        group: String,
        /// Who changed it.
        by: Option<String>,
        /// Whose role.
        member: Option<String>,
        /// The old role.
        from: GroupMemberRole,
        /// The new role.
        to: GroupMemberRole,
    },
    /// The group profile changed.
    ProfileUpdated {
        /// The group's local name before.
        group: String,
        /// Who changed it.
        by: Option<String>,
        /// The new profile.
        profile: GroupProfile,
    },
    /// The group's members.
    Members {
        /// The group.
        group: Group,
        /// Every other member still in the group.
        members: Vec<Member>,
    },
    /// The group's link, just created or shown.
    Link {
        /// The group.
        group: String,
        /// The link.
        link: GroupLink,
        /// Just created.
        created: bool,
    },
    /// The group's link was deleted.
    LinkDeleted(String),
    /// Someone asked to join through the group link and is accepted.
    LinkRequestAccepting {
        /// The group.
        group: String,
        /// The new member.
        member: String,
        /// The new member's full name.
        full_name: String,
    },
    /// The user connected with a group link and is joining (connecting to the host).
    LinkJoining(String),
    /// The group's last messages.
    History {
        /// The group.
        group: String,
        /// Oldest first.
        items: Vec<GroupItem>,
    },
}
