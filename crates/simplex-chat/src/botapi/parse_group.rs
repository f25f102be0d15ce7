//! The group `/_…` API forms beyond sending (the reference's `chatCommandP`):
//! `/_members #ID`, and group links: `/_create link #ID [ROLE]`, `/_set link role #ID
//! ROLE`, `/_get link #ID`, `/_delete link #ID`.

use chat_proto::role::GroupMemberRole;

use super::parse::NotApi;

/// One parsed group API command.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupCall {
    /// `/_members #GROUP_ID`.
    Members(i64),
    /// `/_create link #GROUP_ID [ROLE]` (role `member` by default).
    CreateLink {
        /// The group.
        group_id: i64,
        /// The role of members joining through it.
        role: GroupMemberRole,
    },
    /// `/_set link role #GROUP_ID ROLE`.
    LinkRole {
        /// The group.
        group_id: i64,
        /// The role.
        role: GroupMemberRole,
    },
    /// `/_get link #GROUP_ID`.
    GetLink(i64),
    /// `/_delete link #GROUP_ID`.
    DeleteLink(i64),
}

/// A role a group link gives (`observer` or `member`, as the reference's `memberRole`
/// parser for links; others are refused when the link is made).
fn role(s: &str) -> Result<GroupMemberRole, NotApi> {
    match GroupMemberRole::parse(s) {
        GroupMemberRole::Unknown(_) => Err(NotApi::Bad(format!("unknown role {s:?}"))),
        r => Ok(r),
    }
}

/// `link #ID [ROLE]` after `/_create`.
fn create_link(rest: &str) -> Result<GroupCall, NotApi> {
    let v: Vec<&str> = rest.split_whitespace().collect();
    match v.as_slice() {
        ["link", g] => Ok(GroupCall::CreateLink {
            group_id: group_ref(g)?,
            role: GroupMemberRole::Member,
        }),
        ["link", g, r] => Ok(GroupCall::CreateLink {
            group_id: group_ref(g)?,
            role: role(r)?,
        }),
        _ => Err(NotApi::Bad(
            "expected /_create link #GROUP_ID [ROLE]".into(),
        )),
    }
}

/// `#ID` (a group).
fn group_ref(s: &str) -> Result<i64, NotApi> {
    s.strip_prefix('#')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| NotApi::Bad(format!("expected #GROUP_ID, got {s:?}")))
}

/// Exactly `n` words.
fn words<const N: usize>(rest: &str) -> Result<[&str; N], NotApi> {
    let v: Vec<&str> = rest.split_whitespace().collect();
    <[&str; N]>::try_from(v)
        .map_err(|v| NotApi::Bad(format!("expected {N} arguments, got {}", v.len())))
}

/// The group command `/_NAME REST`, or `None` when `NAME REST` is not a group form.
pub fn parse_group_api(name: &str, rest: &str) -> Option<Result<GroupCall, NotApi>> {
    match name {
        "members" => Some(words::<1>(rest).and_then(|[g]| group_ref(g).map(GroupCall::Members))),
        "create" => Some(create_link(rest)),
        "set" if rest.starts_with("link ") => Some(words::<4>(rest).and_then(|w| match w {
            ["link", "role", g, r] => Ok(GroupCall::LinkRole {
                group_id: group_ref(g)?,
                role: role(r)?,
            }),
            _ => Err(NotApi::Bad(
                "expected /_set link role #GROUP_ID ROLE".into(),
            )),
        })),
        "get" if rest.starts_with("link ") => {
            Some(words::<2>(rest).and_then(|[_, g]| group_ref(g).map(GroupCall::GetLink)))
        }
        "delete" if rest.starts_with("link ") => {
            Some(words::<2>(rest).and_then(|[_, g]| group_ref(g).map(GroupCall::DeleteLink)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::botapi::parse::{ApiCall, parse_api};
    use chat_api::command::ApiCommand;

    #[test]
    fn parses_what_chat_api_renders() {
        let cases = [
            (
                ApiCommand::ListMembers { group_id: 4 },
                GroupCall::Members(4),
            ),
            (
                ApiCommand::CreateGroupLink {
                    group_id: 4,
                    member_role: GroupMemberRole::Observer,
                },
                GroupCall::CreateLink {
                    group_id: 4,
                    role: GroupMemberRole::Observer,
                },
            ),
            (
                ApiCommand::GroupLinkMemberRole {
                    group_id: 4,
                    member_role: GroupMemberRole::Member,
                },
                GroupCall::LinkRole {
                    group_id: 4,
                    role: GroupMemberRole::Member,
                },
            ),
            (
                ApiCommand::GetGroupLink { group_id: 4 },
                GroupCall::GetLink(4),
            ),
            (
                ApiCommand::DeleteGroupLink { group_id: 4 },
                GroupCall::DeleteLink(4),
            ),
        ];
        for (cmd, want) in cases {
            let line = cmd.to_command_string();
            assert_eq!(parse_api(&line), Ok(ApiCall::Group(want)), "{line}");
        }
    }

    #[test]
    fn rejects_bad_forms() {
        assert_eq!(
            parse_api("/_create link #3"),
            Ok(ApiCall::Group(GroupCall::CreateLink {
                group_id: 3,
                role: GroupMemberRole::Member
            }))
        );
        for bad in [
            "/_members 4",
            "/_members #x",
            "/_members #4 5",
            "/_members",
            "/_create link 3",
            "/_create link #3 boss",
            "/_get link #3 4",
            "/_set link role #3",
        ] {
            assert!(matches!(parse_api(bad), Err(NotApi::Bad(_))), "{bad}");
        }
    }
}
