//! The group `/_…` API forms beyond sending (the reference's `chatCommandP`):
//! `/_members #ID`.

use super::parse::NotApi;

/// One parsed group API command.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupCall {
    /// `/_members #GROUP_ID`.
    Members(i64),
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
        let cases = [(
            ApiCommand::ListMembers { group_id: 4 },
            GroupCall::Members(4),
        )];
        for (cmd, want) in cases {
            let line = cmd.to_command_string();
            assert_eq!(parse_api(&line), Ok(ApiCall::Group(want)), "{line}");
        }
    }

    #[test]
    fn rejects_bad_forms() {
        for bad in ["/_members 4", "/_members #x", "/_members #4 5", "/_members"] {
            assert!(matches!(parse_api(bad), Err(NotApi::Bad(_))), "{bad}");
        }
    }
}
