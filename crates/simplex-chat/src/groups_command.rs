//! Group commands in the reference's terminal syntax (`/g`, `/a`, `/j`, `#group text`,
//! `/rm`, `/l`, `/mr`, `/gp`, `/ms`, `/d #group`, `/create link #group`, `/show link`,
//! `/delete link`, `/set link role`), parsed into [`GroupCommand`].

use chat_proto::role::GroupMemberRole;

/// A parsed group command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupCommand {
    /// `/g NAME [full name]`: create a group.
    Create {
        /// Display name.
        name: String,
        /// Full name (may be empty).
        full_name: String,
    },
    /// `/a #group @name [role]`: invite a contact (role `member` by default).
    Add {
        /// The group.
        group: String,
        /// The contact.
        contact: String,
        /// The role offered.
        role: GroupMemberRole,
    },
    /// `/j #group`: accept an invitation.
    Join(String),
    /// `#group text`: send a message.
    Send {
        /// The group.
        group: String,
        /// The text.
        text: String,
    },
    /// `> #group [@member] (quoted) text`: reply quoting a message.
    SendQuote {
        /// The group.
        group: String,
        /// The quoted message's author (the user's own name: the user).
        member: Option<String>,
        /// Start of the quoted message's text.
        quoted: String,
        /// The reply.
        text: String,
    },
    /// `/rm #group @name`: remove a member.
    Remove {
        /// The group.
        group: String,
        /// The member.
        member: String,
    },
    /// `/l #group`: leave.
    Leave(String),
    /// `/mr #group @name role`: change a member's role.
    Role {
        /// The group.
        group: String,
        /// The member.
        member: String,
        /// The new role.
        role: GroupMemberRole,
    },
    /// `/gp #group NAME [full name]`: change the group profile.
    Profile {
        /// The group.
        group: String,
        /// The new display name.
        name: String,
        /// The new full name.
        full_name: String,
    },
    /// `/ms #group`: list members.
    Members(String),
    /// `/d #group`: delete the group (for everyone when the user is its owner).
    Delete(String),
    /// `! #group [(old)] text`: edit a sent message (the last one without `(old)`).
    Edit {
        /// The group.
        group: String,
        /// Start of the edited message's text (empty: the last sent message).
        old: String,
        /// The new text.
        text: String,
    },
    /// `\ #group text`: delete a message (for everyone when the user sent it).
    DeleteMsg {
        /// The group.
        group: String,
        /// Start of the message's text.
        text: String,
    },
    /// `\\ #group @member text`: moderate (mark deleted for everyone) a member's message.
    Moderate {
        /// The group.
        group: String,
        /// The author.
        member: String,
        /// Start of the message's text.
        text: String,
    },
    /// `+1 #group text` / `-1 #group text`: add or remove a reaction.
    React {
        /// Added (else removed).
        add: bool,
        /// The emoji.
        emoji: char,
        /// The group.
        group: String,
        /// Start of the message's text.
        text: String,
    },
    /// `/create link #group [role]`: create the group's link (role `member` by default).
    CreateLink {
        /// The group.
        group: String,
        /// The role of members joining through it.
        role: GroupMemberRole,
    },
    /// `/set link role #group role`: change the role of members joining through the link.
    LinkRole {
        /// The group.
        group: String,
        /// The role.
        role: GroupMemberRole,
    },
    /// `/show link #group`.
    ShowLink(String),
    /// `/delete link #group`.
    DeleteLink(String),
    /// `/tail #group [N]`: the group's last messages.
    Tail {
        /// The group.
        group: String,
        /// How many (10 by default).
        count: usize,
    },
}

/// A group name after an optional `#`, and the rest.
fn group_name(s: &str) -> Option<(String, &str)> {
    let s = s.strip_prefix('#').unwrap_or(s);
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    let name = &s[..end];
    let first = name.chars().next()?;
    (first != '@' && first != '\'').then(|| (name.to_owned(), &s[end..]))
}

/// A member or contact name after an optional `@`, and the rest.
fn member_name(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    let s = s.strip_prefix('@').unwrap_or(s);
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    let name = &s[..end];
    let first = name.chars().next()?;
    (first != '#').then(|| (name.to_owned(), &s[end..]))
}

/// The roles the commands take.
fn role(s: &str) -> Option<GroupMemberRole> {
    match s.trim() {
        "observer" => Some(GroupMemberRole::Observer),
        "member" => Some(GroupMemberRole::Member),
        "admin" => Some(GroupMemberRole::Admin),
        "owner" => Some(GroupMemberRole::Owner),
        _ => None,
    }
}

fn only_group(rest: &str) -> Option<String> {
    let (g, after) = group_name(rest)?;
    after.trim().is_empty().then_some(g)
}

fn names(rest: &str) -> Option<(String, String)> {
    let (name, after) = member_name(rest)?;
    Some((name, after.trim().to_owned()))
}

/// Parses a slash command (without the `/`) that is a group command.
pub fn parse_slash(r: &str) -> Option<GroupCommand> {
    use GroupCommand as G;
    let after = |alts: &[&str]| alts.iter().find_map(|a| r.strip_prefix(a));
    if let Some(rest) = after(&["group ", "g "]) {
        let (name, full) = names(rest.strip_prefix('#').unwrap_or(rest))?;
        return Some(G::Create {
            name,
            full_name: full,
        });
    }
    if let Some(rest) = after(&["add ", "a "]) {
        let (group, rest) = group_name(rest)?;
        let (contact, rest) = member_name(rest)?;
        let rest = rest.trim();
        let role = if rest.is_empty() {
            GroupMemberRole::Member
        } else {
            role(rest)?
        };
        return Some(G::Add {
            group,
            contact,
            role,
        });
    }
    if let Some(rest) = after(&["join ", "j "]) {
        return only_group(rest).map(G::Join);
    }
    if let Some(rest) = after(&["remove ", "rm "]) {
        let (group, rest) = group_name(rest)?;
        let (member, rest) = member_name(rest)?;
        return rest
            .trim()
            .is_empty()
            .then_some(G::Remove { group, member });
    }
    if let Some(rest) = after(&["leave ", "l "]) {
        return only_group(rest).map(G::Leave);
    }
    if let Some(rest) = after(&["member role ", "mr "]) {
        let (group, rest) = group_name(rest)?;
        let (member, rest) = member_name(rest)?;
        return Some(G::Role {
            group,
            member,
            role: role(rest)?,
        });
    }
    if let Some(rest) = after(&["group_profile ", "gp "]) {
        let (group, rest) = group_name(rest)?;
        let (name, full_name) = names(rest)?;
        return Some(G::Profile {
            group,
            name,
            full_name,
        });
    }
    if let Some(rest) = after(&["members ", "ms "]) {
        return only_group(rest).map(G::Members);
    }
    if let Some(rest) = after(&["create link #"]) {
        let (group, rest) = group_name(rest)?;
        let rest = rest.trim();
        let role = if rest.is_empty() {
            GroupMemberRole::Member
        } else {
            role(rest)?
        };
        return Some(G::CreateLink { group, role });
    }
    if let Some(rest) = after(&["set link role #"]) {
        let (group, rest) = group_name(rest)?;
        return Some(G::LinkRole {
            group,
            role: role(rest)?,
        });
    }
    if let Some(rest) = after(&["show link #"]) {
        return only_group(rest).map(G::ShowLink);
    }
    if let Some(rest) = after(&["delete link #"]) {
        return only_group(rest).map(G::DeleteLink);
    }
    if let Some(rest) = after(&["delete #", "d #"]) {
        return only_group(rest).map(G::Delete);
    }
    if let Some(rest) = after(&["tail #", "t #"]) {
        let (group, rest) = group_name(rest)?;
        let rest = rest.trim();
        let count = if rest.is_empty() {
            10
        } else {
            rest.parse().ok()?
        };
        return Some(G::Tail { group, count });
    }
    None
}

/// `#group text` with a non-empty text after one space.
fn group_and_text(s: &str) -> Option<(String, String)> {
    let (group, rest) = group_name(s.strip_prefix('#')?)?;
    let text = rest.strip_prefix(' ')?;
    (!text.is_empty()).then(|| (group, text.to_owned()))
}

/// Parses the message actions: edit (`!`), delete (`\`), moderate (`\\`) and reactions
/// (`+`/`-`).
fn parse_action(s: &str) -> Option<GroupCommand> {
    if let Some(r) = s.strip_prefix("\\\\ #") {
        let (group, rest) = group_name(r)?;
        let (member, rest) = member_name(rest.strip_prefix(' ')?.strip_prefix('@')?)?;
        let text = rest.strip_prefix(' ')?;
        return (!text.is_empty()).then(|| GroupCommand::Moderate {
            group,
            member,
            text: text.to_owned(),
        });
    }
    if let Some(r) = s.strip_prefix('\\') {
        let (group, text) = group_and_text(r.strip_prefix(' ').unwrap_or(r))?;
        return Some(GroupCommand::DeleteMsg { group, text });
    }
    if let Some(r) = s.strip_prefix('!') {
        let (group, rest) = group_and_text(r.strip_prefix(' ').unwrap_or(r))?;
        let (old, text) = match rest.strip_prefix('(').and_then(|q| q.split_once(')')) {
            Some((old, text)) => (old.to_owned(), text.trim_start().to_owned()),
            None => (String::new(), rest),
        };
        return (!text.is_empty()).then_some(GroupCommand::Edit { group, old, text });
    }
    let (add, r) = match s.chars().next()? {
        '+' => (true, &s[1..]),
        '-' => (false, &s[1..]),
        _ => return None,
    };
    let mut cs = r.chars();
    let emoji = crate::command::reaction_emoji(cs.next()?)?;
    let (group, text) = group_and_text(cs.as_str().strip_prefix(' ')?)?;
    Some(GroupCommand::React {
        add,
        emoji,
        group,
        text,
    })
}

/// Parses `#group text`, `> #group [@member] (quoted) text` and the message actions
/// (`! #group`, `\ #group`, `\\ #group @member`, `+1 #group`).
pub fn parse_message(s: &str) -> Option<GroupCommand> {
    if let Some(a) = parse_action(s) {
        return Some(a);
    }
    if s.starts_with('#') {
        let (group, rest) = group_name(s)?;
        let text = rest.strip_prefix(' ')?;
        return (!text.is_empty()).then(|| GroupCommand::Send {
            group,
            text: text.to_owned(),
        });
    }
    let rest = s.strip_prefix("> #").or_else(|| s.strip_prefix(">#"))?;
    let (group, rest) = group_name(rest)?;
    let mut rest = rest.trim_start();
    let mut member = None;
    if rest.starts_with('@') {
        let (name, after) = member_name(rest)?;
        member = Some(name);
        rest = after.trim_start();
    }
    let inner = rest.strip_prefix('(')?;
    let end = inner.find(')')?;
    let text = inner[end + 1..].trim_start();
    (!text.is_empty()).then(|| GroupCommand::SendQuote {
        group,
        member,
        quoted: inner[..end].to_owned(),
        text: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn group_commands_parse() {
        assert_eq!(
            parse_slash("g team Our Team"),
            Some(GroupCommand::Create {
                name: "team".into(),
                full_name: "Our Team".into()
            })
        );
        assert_eq!(
            parse_slash("a #team @bob admin"),
            Some(GroupCommand::Add {
                group: "team".into(),
                contact: "bob".into(),
                role: GroupMemberRole::Admin
            })
        );
        assert_eq!(
            parse_slash("a team bob"),
            Some(GroupCommand::Add {
                group: "team".into(),
                contact: "bob".into(),
                role: GroupMemberRole::Member
            })
        );
        assert_eq!(parse_slash("a #team @bob chief"), None);
        assert_eq!(
            parse_slash("j #team"),
            Some(GroupCommand::Join("team".into()))
        );
        assert_eq!(
            parse_slash("rm #team @bob"),
            Some(GroupCommand::Remove {
                group: "team".into(),
                member: "bob".into()
            })
        );
        assert_eq!(
            parse_slash("l #team"),
            Some(GroupCommand::Leave("team".into()))
        );
        assert_eq!(
            parse_slash("mr #team @bob observer"),
            Some(GroupCommand::Role {
                group: "team".into(),
                member: "bob".into(),
                role: GroupMemberRole::Observer
            })
        );
        assert_eq!(
            parse_slash("gp #team club The Club"),
            Some(GroupCommand::Profile {
                group: "team".into(),
                name: "club".into(),
                full_name: "The Club".into()
            })
        );
        assert_eq!(
            parse_slash("ms #team"),
            Some(GroupCommand::Members("team".into()))
        );
        assert_eq!(
            parse_slash("d #team"),
            Some(GroupCommand::Delete("team".into()))
        );
        assert_eq!(parse_slash("d @bob"), None);
        assert_eq!(
            parse_slash("tail #team 5"),
            Some(GroupCommand::Tail {
                group: "team".into(),
                count: 5
            })
        );
    }

    #[test]
    fn group_messages_parse() {
        assert_eq!(
            parse_message("#team hello all"),
            Some(GroupCommand::Send {
                group: "team".into(),
                text: "hello all".into()
            })
        );
        assert_eq!(parse_message("#team"), None);
        assert_eq!(
            parse_message("! #team (hello) hey there"),
            Some(GroupCommand::Edit {
                group: "team".into(),
                old: "hello".into(),
                text: "hey there".into()
            })
        );
        assert_eq!(
            parse_message("! #team hey"),
            Some(GroupCommand::Edit {
                group: "team".into(),
                old: String::new(),
                text: "hey".into()
            })
        );
        assert_eq!(
            parse_message("\\\\ #team @cath hi there"),
            Some(GroupCommand::Moderate {
                group: "team".into(),
                member: "cath".into(),
                text: "hi there".into()
            })
        );
        assert_eq!(
            parse_message("\\ #team hello"),
            Some(GroupCommand::DeleteMsg {
                group: "team".into(),
                text: "hello".into()
            })
        );
        assert_eq!(
            parse_message("+1 #team hello"),
            Some(GroupCommand::React {
                add: true,
                emoji: '\u{1F44D}',
                group: "team".into(),
                text: "hello".into()
            })
        );
        assert_eq!(
            parse_message("-1 #team hello")
                .map(|c| matches!(c, GroupCommand::React { add: false, .. })),
            Some(true)
        );
        assert_eq!(parse_message("+1 @bob hello"), None);
        assert_eq!(
            parse_message("> #team @bob (hello) hi bob"),
            Some(GroupCommand::SendQuote {
                group: "team".into(),
                member: Some("bob".into()),
                quoted: "hello".into(),
                text: "hi bob".into()
            })
        );
        assert_eq!(
            parse_message("> #team (hello) hi"),
            Some(GroupCommand::SendQuote {
                group: "team".into(),
                member: None,
                quoted: "hello".into(),
                text: "hi".into()
            })
        );
    }
}
