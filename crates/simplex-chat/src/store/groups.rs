//! Groups, their members, the host's record of member introductions, and group
//! messages.

use chat_proto::profile::{GroupProfile, Profile};
use chat_proto::role::GroupMemberRole;
use rusqlite::{OptionalExtension, Row, params};

use super::ChatStore;
use super::contacts::json_col;
use crate::error::Result;

macro_rules! text_states {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($(#[$vdoc])* $v,)* }

        impl $name {
            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }

            fn from_sql(s: &str) -> rusqlite::Result<Self> {
                match s {
                    $($s => Ok($name::$v),)*
                    other => Err(rusqlite::Error::InvalidColumnType(
                        0,
                        other.to_owned(),
                        rusqlite::types::Type::Text,
                    )),
                }
            }
        }
    };
}

text_states!(
    /// The user's state in a group.
    GroupStatus {
        /// Invited, not joined yet.
        Invited = "invited",
        /// Joining (`x.grp.acpt` sent), not connected to the host yet.
        Accepted = "accepted",
        /// A member.
        Active = "active",
        /// The user left.
        Left = "left",
        /// The user was removed.
        Removed = "removed",
        /// The group was deleted by its owner.
        Deleted = "deleted",
    }
);

text_states!(
    /// How a member came to be known (the reference's `GroupMemberCategory`).
    MemberCategory {
        /// The member who invited the user.
        Host = "host",
        /// A member the user invited.
        Invitee = "invitee",
        /// A member who was in the group before the user (introduced to the user).
        Pre = "pre",
        /// A member who joined after the user (announced to the user).
        Post = "post",
        /// The user's own row (never among "the members").
        User = "user",
    }
);

text_states!(
    /// A member's state.
    MemberStatus {
        /// Invited by the user, not joined yet.
        Invited = "invited",
        /// Joining, not connected yet.
        Accepted = "accepted",
        /// Announced or introduced, not connected yet.
        Connecting = "connecting",
        /// Connected.
        Connected = "connected",
        /// Removed from the group.
        Removed = "removed",
        /// Left the group.
        Left = "left",
    }
);

/// A group of the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Row id.
    pub group_id: i64,
    /// The owning user.
    pub user_id: i64,
    /// The name used in commands (`#name`), unique per user.
    pub local_name: String,
    /// The group profile.
    pub profile: GroupProfile,
    /// The user's member id in this group.
    pub membership_id: Vec<u8>,
    /// The user's role.
    pub role: GroupMemberRole,
    /// The user's state.
    pub status: GroupStatus,
    /// The host's invitation link (while invited).
    pub inv_conn_req: Option<String>,
    /// The user's own member row (the API's `membership.groupMemberId`).
    pub membership_row: i64,
}

/// Another member of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Row id.
    pub member_row: i64,
    /// The group.
    pub group_id: i64,
    /// The member id shared by all members.
    pub member_id: Vec<u8>,
    /// The member's profile.
    pub profile: Profile,
    /// The member's role.
    pub role: GroupMemberRole,
    /// How the member is known.
    pub category: MemberCategory,
    /// The member's state.
    pub status: MemberStatus,
    /// The agent connection with the member.
    pub conn_id: Option<String>,
    /// The user's contact this member is, when known.
    pub contact_id: Option<i64>,
}

impl Member {
    /// The name shown for the member.
    pub fn name(&self) -> &str {
        &self.profile.display_name
    }

    /// Whether messages can be sent to the member directly.
    pub fn connected(&self) -> bool {
        self.status == MemberStatus::Connected && self.conn_id.is_some()
    }
}

/// A member to add.
#[derive(Debug, Clone)]
pub struct NewMember<'a> {
    /// The group.
    pub group_id: i64,
    /// The member id.
    pub member_id: &'a [u8],
    /// The profile.
    pub profile: &'a Profile,
    /// The role.
    pub role: &'a GroupMemberRole,
    /// How the member is known.
    pub category: MemberCategory,
    /// The state.
    pub status: MemberStatus,
    /// The agent connection.
    pub conn_id: Option<&'a str>,
    /// The matching contact.
    pub contact_id: Option<i64>,
}

const GCOLS: &str = "group_id, user_id, local_name, profile, membership_id, membership_role, status, inv_conn_req,
    COALESCE((SELECT u.member_row FROM group_members u WHERE u.group_id = groups.group_id AND u.category = 'user'), 0)";
const MCOLS: &str =
    "member_row, group_id, member_id, profile, role, category, status, agent_conn_id, contact_id";
/// The condition that leaves the user's own row out of "the members".
const NOT_USER: &str = "category != 'user'";

fn role_col(r: &Row<'_>, i: usize) -> rusqlite::Result<GroupMemberRole> {
    let s: String = r.get(i)?;
    Ok(GroupMemberRole::parse(&s))
}

fn group_row(r: &Row<'_>) -> rusqlite::Result<Group> {
    let status: String = r.get(6)?;
    Ok(Group {
        group_id: r.get(0)?,
        user_id: r.get(1)?,
        local_name: r.get(2)?,
        profile: json_col(r, 3)?,
        membership_id: r.get(4)?,
        role: role_col(r, 5)?,
        status: GroupStatus::from_sql(&status)?,
        inv_conn_req: r.get(7)?,
        membership_row: r.get(8)?,
    })
}

fn member_row(r: &Row<'_>) -> rusqlite::Result<Member> {
    let cat: String = r.get(5)?;
    let status: String = r.get(6)?;
    Ok(Member {
        member_row: r.get(0)?,
        group_id: r.get(1)?,
        member_id: r.get(2)?,
        profile: json_col(r, 3)?,
        role: role_col(r, 4)?,
        category: MemberCategory::from_sql(&cat)?,
        status: MemberStatus::from_sql(&status)?,
        conn_id: r.get(7)?,
        contact_id: r.get(8)?,
    })
}

impl ChatStore {
    /// A free group name: the name itself, else `name_1`, `name_2`, ...
    fn free_group_name(&self, user_id: i64, name: &str) -> Result<String> {
        let db = self.db();
        let taken = |n: &str| -> rusqlite::Result<bool> {
            db.query_row(
                "SELECT EXISTS (SELECT 1 FROM groups WHERE user_id = ?1 AND local_name = ?2)",
                params![user_id, n],
                |r| r.get(0),
            )
        };
        super::first_free_name(name, taken)
    }

    /// Adds a group with a free local name.
    pub fn add_group(
        &self,
        user_id: i64,
        profile: &GroupProfile,
        membership: (&[u8], &GroupMemberRole),
        status: GroupStatus,
        inv_conn_req: Option<&str>,
        now: i64,
    ) -> Result<Group> {
        let name = self.free_group_name(user_id, &profile.display_name)?;
        let id = {
            let mut db = self.db();
            let tx = db.transaction()?;
            tx.execute(
                "INSERT INTO groups (user_id, local_name, profile, membership_id, membership_role, status, inv_conn_req, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    user_id,
                    name,
                    serde_json::to_string(profile)?,
                    membership.0,
                    membership.1.as_str(),
                    status.as_str(),
                    inv_conn_req,
                    now
                ],
            )?;
            let id = tx.last_insert_rowid();
            // the user's own member row (as migration 0008 adds to older groups)
            tx.execute(
                "INSERT INTO group_members (group_id, member_id, profile, role, category, status, created_at)
                 SELECT ?1, ?2, json_object('displayName', u.display_name, 'fullName', u.full_name),
                   ?3, 'user', ?4, ?5 FROM users u WHERE u.user_id = ?6",
                params![
                    id,
                    membership.0,
                    membership.1.as_str(),
                    status.as_str(),
                    now,
                    user_id
                ],
            )?;
            tx.commit()?;
            id
        };
        self.group(id)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows.into())
    }

    /// A group by id.
    pub fn group(&self, group_id: i64) -> Result<Option<Group>> {
        let g = self
            .db()
            .query_row(
                &format!("SELECT {GCOLS} FROM groups WHERE group_id = ?1"),
                [group_id],
                group_row,
            )
            .optional()?;
        Ok(g)
    }

    /// A user's groups, by id.
    pub fn groups(&self, user_id: i64) -> Result<Vec<Group>> {
        let db = self.db();
        let mut stmt = db.prepare(&format!(
            "SELECT {GCOLS} FROM groups WHERE user_id = ?1 ORDER BY group_id"
        ))?;
        let v = stmt
            .query_map([user_id], group_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// The user's group by local name.
    pub fn group_by_name(&self, user_id: i64, name: &str) -> Result<Option<Group>> {
        let g = self
            .db()
            .query_row(
                &format!("SELECT {GCOLS} FROM groups WHERE user_id = ?1 AND local_name = ?2"),
                params![user_id, name],
                group_row,
            )
            .optional()?;
        Ok(g)
    }

    /// Sets the user's state in a group.
    pub fn set_group_status(&self, group_id: i64, status: GroupStatus) -> Result<()> {
        self.update_membership(group_id, "status", status.as_str())
    }

    /// Sets the user's `column` (`status` or `role`) in a group: in the groups row and
    /// in the user's own member row.
    fn update_membership(&self, group_id: i64, column: &str, value: &str) -> Result<()> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let group_col = if column == "role" {
            "membership_role"
        } else {
            column
        };
        tx.execute(
            &format!("UPDATE groups SET {group_col} = ?2 WHERE group_id = ?1"),
            params![group_id, value],
        )?;
        tx.execute(
            &format!(
                "UPDATE group_members SET {column} = ?2 WHERE group_id = ?1 AND category = 'user'"
            ),
            params![group_id, value],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets the user's role in a group.
    pub fn set_membership_role(&self, group_id: i64, role: &GroupMemberRole) -> Result<()> {
        self.update_membership(group_id, "role", role.as_str())
    }

    /// Replaces a group's profile; the local name follows the display name when free.
    pub fn set_group_profile(&self, g: &Group, profile: &GroupProfile) -> Result<Group> {
        let name = if profile.display_name == g.local_name {
            g.local_name.clone()
        } else {
            self.free_group_name(g.user_id, &profile.display_name)?
        };
        self.db().execute(
            "UPDATE groups SET profile = ?2, local_name = ?3 WHERE group_id = ?1",
            params![g.group_id, serde_json::to_string(profile)?, name],
        )?;
        self.group(g.group_id)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows.into())
    }

    /// Deletes a group with its members and messages.
    pub fn delete_group(&self, group_id: i64) -> Result<()> {
        self.db()
            .execute("DELETE FROM groups WHERE group_id = ?1", [group_id])?;
        Ok(())
    }

    /// Adds a member; returns it.
    pub fn add_member(&self, m: &NewMember<'_>, now: i64) -> Result<Member> {
        let id = {
            let db = self.db();
            db.execute(
                "INSERT INTO group_members (group_id, member_id, profile, role, category, status, agent_conn_id, contact_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    m.group_id,
                    m.member_id,
                    serde_json::to_string(m.profile)?,
                    m.role.as_str(),
                    m.category.as_str(),
                    m.status.as_str(),
                    m.conn_id,
                    m.contact_id,
                    now
                ],
            )?;
            db.last_insert_rowid()
        };
        self.member(id)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows.into())
    }

    fn member_where(&self, cond: &str, p: impl rusqlite::Params) -> Result<Option<Member>> {
        let m = self
            .db()
            .query_row(
                &format!("SELECT {MCOLS} FROM group_members WHERE ({cond}) AND {NOT_USER}"),
                p,
                member_row,
            )
            .optional()?;
        Ok(m)
    }

    /// A member by row id.
    pub fn member(&self, member_row: i64) -> Result<Option<Member>> {
        self.member_where("member_row = ?1", [member_row])
    }

    /// The member on an agent connection.
    pub fn member_by_conn(&self, conn_id: &str) -> Result<Option<Member>> {
        self.member_where("agent_conn_id = ?1", [conn_id])
    }

    /// A group's member by member id.
    pub fn member_by_id(&self, group_id: i64, member_id: &[u8]) -> Result<Option<Member>> {
        self.member_where(
            "group_id = ?1 AND member_id = ?2",
            params![group_id, member_id],
        )
    }

    /// The group's current member (not removed or left) with this display name.
    pub fn member_by_name(&self, group_id: i64, name: &str) -> Result<Option<Member>> {
        Ok(self
            .members(group_id)?
            .into_iter()
            .find(|m| m.name() == name && is_current(m)))
    }

    /// The group's current member (not removed or left) who is this contact.
    pub fn member_by_contact(&self, group_id: i64, contact_id: i64) -> Result<Option<Member>> {
        Ok(self
            .members(group_id)?
            .into_iter()
            .find(|m| m.contact_id == Some(contact_id) && is_current(m)))
    }

    /// All members of a group (every state, the user's own row left out), in the order
    /// they were added.
    pub fn members(&self, group_id: i64) -> Result<Vec<Member>> {
        let db = self.db();
        let mut stmt = db.prepare(&format!(
            "SELECT {MCOLS} FROM group_members WHERE group_id = ?1 AND {NOT_USER} ORDER BY member_row"
        ))?;
        let v = stmt
            .query_map([group_id], member_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// Sets a member's state.
    pub fn set_member_status(&self, member_row: i64, status: MemberStatus) -> Result<()> {
        self.db().execute(
            "UPDATE group_members SET status = ?2 WHERE member_row = ?1",
            params![member_row, status.as_str()],
        )?;
        Ok(())
    }

    /// Sets (or clears) a member's connection.
    pub fn set_member_conn(&self, member_row: i64, conn_id: Option<&str>) -> Result<()> {
        self.db().execute(
            "UPDATE group_members SET agent_conn_id = ?2 WHERE member_row = ?1",
            params![member_row, conn_id],
        )?;
        Ok(())
    }

    /// Sets a member's role.
    pub fn set_member_role(&self, member_row: i64, role: &GroupMemberRole) -> Result<()> {
        self.db().execute(
            "UPDATE group_members SET role = ?2 WHERE member_row = ?1",
            params![member_row, role.as_str()],
        )?;
        Ok(())
    }

    /// Replaces a member's profile.
    pub fn set_member_profile(&self, member_row: i64, profile: &Profile) -> Result<()> {
        self.db().execute(
            "UPDATE group_members SET profile = ?2 WHERE member_row = ?1",
            params![member_row, serde_json::to_string(profile)?],
        )?;
        Ok(())
    }

    /// Records that the host introduced `to` to the new member `re`.
    pub fn add_intro(&self, re: i64, to: i64) -> Result<()> {
        self.db().execute(
            "INSERT OR IGNORE INTO group_intros (re_member, to_member) VALUES (?1, ?2)",
            params![re, to],
        )?;
        Ok(())
    }

    /// Marks the introduction between two members (either way round) as connected.
    pub fn set_intro_connected(&self, a: i64, b: i64) -> Result<()> {
        self.db().execute(
            "UPDATE group_intros SET connected = 1
             WHERE (re_member = ?1 AND to_member = ?2) OR (re_member = ?2 AND to_member = ?1)",
            params![a, b],
        )?;
        Ok(())
    }

    /// The members introduced to or by `member_row` who are not yet connected to it
    /// (the host forwards its messages to them).
    pub fn unconnected_intros(&self, member_row: i64) -> Result<Vec<i64>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT to_member FROM group_intros WHERE re_member = ?1 AND connected = 0
             UNION SELECT re_member FROM group_intros WHERE to_member = ?1 AND connected = 0",
        )?;
        let v = stmt
            .query_map([member_row], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }
}

/// Whether a member is still in the group.
pub fn is_current(m: &Member) -> bool {
    !matches!(m.status, MemberStatus::Removed | MemberStatus::Left)
}
