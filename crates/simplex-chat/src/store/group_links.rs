//! Group links: a contact address of a group whose requests join the group with the
//! link's role, and the members who joined through one.

use chat_proto::role::GroupMemberRole;
use rusqlite::{OptionalExtension, Row, params};

use super::ChatStore;
use crate::error::Result;

/// A group's link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupLink {
    /// Row id (the API's `userContactLinkId`).
    pub link_id: i64,
    /// The group.
    pub group_id: i64,
    /// The agent connection of the link's address queue.
    pub conn_id: String,
    /// The full link.
    pub link: String,
    /// The short link, when the relay made one.
    pub short_link: Option<String>,
    /// The group link id (random bytes).
    pub link_ref: Vec<u8>,
    /// The role of members joining through it.
    pub role: GroupMemberRole,
}

/// A link to store.
#[derive(Debug, Clone)]
pub struct NewGroupLink<'a> {
    /// The group.
    pub group_id: i64,
    /// The agent connection.
    pub conn_id: &'a str,
    /// The full link.
    pub link: &'a str,
    /// The short link.
    pub short_link: Option<&'a str>,
    /// The group link id.
    pub link_ref: &'a [u8],
    /// The role of joining members.
    pub role: &'a GroupMemberRole,
}

const LCOLS: &str = "link_id, group_id, agent_conn_id, link, short_link, link_ref, member_role";

fn link_row(r: &Row<'_>) -> rusqlite::Result<GroupLink> {
    let role: String = r.get(6)?;
    Ok(GroupLink {
        link_id: r.get(0)?,
        group_id: r.get(1)?,
        conn_id: r.get(2)?,
        link: r.get(3)?,
        short_link: r.get(4)?,
        link_ref: r.get(5)?,
        role: GroupMemberRole::parse(&role),
    })
}

impl ChatStore {
    /// Stores a group's link (a group has at most one).
    pub fn add_group_link(&self, l: &NewGroupLink<'_>, now: i64) -> Result<GroupLink> {
        self.db().execute(
            "INSERT INTO group_links (group_id, agent_conn_id, link, short_link, link_ref, member_role, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                l.group_id,
                l.conn_id,
                l.link,
                l.short_link,
                l.link_ref,
                l.role.as_str(),
                now
            ],
        )?;
        self.group_link(l.group_id)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows.into())
    }

    fn group_link_where(&self, cond: &str, p: impl rusqlite::Params) -> Result<Option<GroupLink>> {
        let l = self
            .db()
            .query_row(
                &format!("SELECT {LCOLS} FROM group_links WHERE {cond}"),
                p,
                link_row,
            )
            .optional()?;
        Ok(l)
    }

    /// A group's link.
    pub fn group_link(&self, group_id: i64) -> Result<Option<GroupLink>> {
        self.group_link_where("group_id = ?1", [group_id])
    }

    /// The group link whose address is this agent connection.
    pub fn group_link_by_conn(&self, conn_id: &str) -> Result<Option<GroupLink>> {
        self.group_link_where("agent_conn_id = ?1", [conn_id])
    }

    /// Sets the role of members joining through a group's link.
    pub fn set_group_link_role(&self, group_id: i64, role: &GroupMemberRole) -> Result<()> {
        self.db().execute(
            "UPDATE group_links SET member_role = ?2 WHERE group_id = ?1",
            params![group_id, role.as_str()],
        )?;
        Ok(())
    }

    /// Forgets a group's link.
    pub fn delete_group_link(&self, group_id: i64) -> Result<()> {
        self.db()
            .execute("DELETE FROM group_links WHERE group_id = ?1", [group_id])?;
        Ok(())
    }

    /// Marks a member as joined through the group link.
    pub fn set_member_via_link(&self, member_row: i64) -> Result<()> {
        self.db().execute(
            "UPDATE group_members SET via_group_link = 1 WHERE member_row = ?1",
            [member_row],
        )?;
        Ok(())
    }

    /// Whether a member joined through the group link.
    pub fn member_via_link(&self, member_row: i64) -> Result<bool> {
        let v = self
            .db()
            .query_row(
                "SELECT via_group_link FROM group_members WHERE member_row = ?1",
                [member_row],
                |r| r.get(0),
            )
            .optional()?;
        Ok(v.unwrap_or(false))
    }
}
