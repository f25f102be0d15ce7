//! Group member roles and join acceptance states (reference `Simplex.Chat.Types.Shared`).

text_enum!(
    /// A member's role in a group; roles from newer clients are kept as `Unknown`.
    GroupMemberRole {
        /// Chat relay: forwards messages, sends none of its own.
        Relay = "relay",
        /// Receives all messages, cannot send.
        Observer = "observer",
        /// Can comment on channel posts.
        Commenter = "commenter",
        /// Reserved.
        Author = "author",
        /// Can send messages.
        Member = "member",
        /// Can moderate messages and block members.
        Moderator = "moderator",
        /// Can add and remove members and change roles.
        Admin = "admin",
        /// Can change and delete the group.
        Owner = "owner",
    }
    unknown
    /// A role this implementation does not know.
    Unknown
);

impl GroupMemberRole {
    /// The rank used to compare roles (`Unknown` lowest, `Owner` highest), as the
    /// reference's derived `Ord`.
    pub fn rank(&self) -> u8 {
        match self {
            GroupMemberRole::Unknown(_) => 0,
            GroupMemberRole::Relay => 1,
            GroupMemberRole::Observer => 2,
            GroupMemberRole::Commenter => 3,
            GroupMemberRole::Author => 4,
            GroupMemberRole::Member => 5,
            GroupMemberRole::Moderator => 6,
            GroupMemberRole::Admin => 7,
            GroupMemberRole::Owner => 8,
        }
    }
}

text_enum!(
    /// How a host accepted a member joining via a group link.
    GroupAcceptance {
        /// Accepted.
        Accepted = "accepted",
        /// Waiting for the host's approval.
        PendingApproval = "pending",
        /// Waiting for admins' review.
        PendingReview = "pending_review",
    }
);
