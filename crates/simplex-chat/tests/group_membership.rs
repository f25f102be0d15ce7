//! The user's own member row in each group (category `user`, the reference's
//! membership): created with the group, added by migration 0008 to groups stored
//! before it, mirrored on role and state changes, and never among "the members".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use chat_proto::profile::{GroupProfile, Profile};
use chat_proto::role::GroupMemberRole;
use simplex_chat::store::{ChatStore, GroupStatus, MemberCategory, MemberStatus, NewMember};

fn team() -> GroupProfile {
    serde_json::from_str(r#"{"displayName": "team", "fullName": ""}"#).unwrap()
}

/// The raw database (for what the store's API does not show).
fn raw(path: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch("PRAGMA key = 'pass';").unwrap();
    c
}

/// (row id, role, state, display name) of the user's row of a group.
fn user_row(path: &Path, group_id: i64) -> (i64, String, String, String) {
    raw(path)
        .query_row(
            "SELECT member_row, role, status, json_extract(profile, '$.displayName')
             FROM group_members WHERE group_id = ?1 AND category = 'user'",
            [group_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
}

#[test]
fn a_new_group_has_the_users_row_outside_the_members() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x_chat.db");
    let s = ChatStore::open(&path, "pass").unwrap();
    let u = s
        .create_user("dan", "Dan D", |_| "_agent.db".into(), 1)
        .unwrap();
    let g = s
        .add_group(
            u.user_id,
            &team(),
            (&[1; 12], &GroupMemberRole::Owner),
            GroupStatus::Active,
            None,
            1,
        )
        .unwrap();
    assert_ne!(g.membership_row, 0);
    let (row, role, status, name) = user_row(&path, g.group_id);
    assert_eq!(
        (row, role.as_str(), status.as_str(), name.as_str()),
        (g.membership_row, "owner", "active", "dan")
    );
    // not a member: not listed, not found by its member id or row, not counted
    assert!(s.members(g.group_id).unwrap().is_empty());
    assert!(s.member_by_id(g.group_id, &[1; 12]).unwrap().is_none());
    assert!(s.member(g.membership_row).unwrap().is_none());
    assert_eq!(s.current_member_count(g.group_id).unwrap(), 1);

    let bob = Profile::from_name("bob");
    let m = s
        .add_member(
            &NewMember {
                group_id: g.group_id,
                member_id: &[2; 12],
                profile: &bob,
                role: &GroupMemberRole::Member,
                category: MemberCategory::Invitee,
                status: MemberStatus::Connected,
                conn_id: Some("c1"),
                contact_id: None,
            },
            2,
        )
        .unwrap();
    assert_ne!(m.member_row, g.membership_row);
    let members = s.members(g.group_id).unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].name(), "bob");
    assert_eq!(s.current_member_count(g.group_id).unwrap(), 2);

    // role and state changes reach the user's row too
    s.set_membership_role(g.group_id, &GroupMemberRole::Admin)
        .unwrap();
    s.set_group_status(g.group_id, GroupStatus::Left).unwrap();
    let (_, role, status, _) = user_row(&path, g.group_id);
    assert_eq!((role.as_str(), status.as_str()), ("admin", "left"));
    let again = s.group(g.group_id).unwrap().unwrap();
    assert_eq!(
        (again.membership_row, again.role, again.status),
        (g.membership_row, GroupMemberRole::Admin, GroupStatus::Left)
    );
}

#[test]
fn migration_0008_gives_older_groups_the_users_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x_chat.db");
    let ids = {
        let s = ChatStore::open(&path, "pass").unwrap();
        let u = s.create_user("eve", "", |_| "_agent.db".into(), 1).unwrap();
        let mut ids = Vec::new();
        for (id, role, status) in [
            ([3; 12], GroupMemberRole::Owner, GroupStatus::Active),
            ([4; 12], GroupMemberRole::Member, GroupStatus::Invited),
        ] {
            let g = s
                .add_group(u.user_id, &team(), (&id, &role), status, None, 1)
                .unwrap();
            ids.push(g.group_id);
        }
        ids
    };
    // the database as before migration 0008: no user rows, 0008 not applied
    raw(&path)
        .execute_batch(
            "DROP INDEX idx_group_members_user;
             DELETE FROM group_members WHERE category = 'user';
             DELETE FROM migrations WHERE name = '0008_user_member';",
        )
        .unwrap();
    let n: i64 = raw(&path)
        .query_row("SELECT COUNT(*) FROM group_members", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    // opening applies 0008: each group gets the user's row, with its role and state
    let s = ChatStore::open(&path, "pass").unwrap();
    let rows: Vec<i64> = ids
        .iter()
        .map(|&id| s.group(id).unwrap().unwrap().membership_row)
        .collect();
    assert!(rows.iter().all(|&r| r != 0));
    assert_ne!(rows[0], rows[1]);
    let got: Vec<(String, String, String)> = ids
        .iter()
        .map(|&id| {
            let (_, role, status, name) = user_row(&path, id);
            (role, status, name)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("owner".into(), "active".into(), "eve".into()),
            ("member".into(), "invited".into(), "eve".into())
        ]
    );
    assert!(s.members(ids[0]).unwrap().is_empty());
}
