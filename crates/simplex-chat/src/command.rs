//! Terminal commands: the reference's syntax (`chatCommandP` in the chat library's
//! `Commands.hs`) for the commands this engine implements, parsed into [`ChatCommand`].

use crate::error::{ChatError, Result};

/// A disappearing-messages setting for a contact (`/set disappear @name ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimedSetting {
    /// Allow, with this time to live (or keep the current one / the default).
    Enable(Option<i64>),
    /// Do not allow.
    Disable,
}

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatCommand {
    /// `/user`: show the active user.
    ShowActiveUser,
    /// `/create user NAME [full name]`.
    CreateUser {
        /// Display name.
        name: String,
        /// Full name (may be empty).
        full_name: String,
    },
    /// `/users`.
    ListUsers,
    /// `/user NAME`: switch the active user.
    SetActiveUser(String),
    /// `/c [i]`: a one-time invitation.
    AddContact {
        /// Use a random profile.
        incognito: bool,
    },
    /// `/c [i] LINK`: connect by an invitation or an address.
    Connect {
        /// Use a random profile.
        incognito: bool,
        /// The link.
        link: String,
    },
    /// `/ad`: create the contact address.
    CreateAddress,
    /// `/sa`: show it.
    ShowAddress,
    /// `/da`: delete it.
    DeleteAddress,
    /// `/ac [i] NAME`: accept a contact request.
    AcceptContact {
        /// Use a random profile.
        incognito: bool,
        /// The request's name.
        name: String,
    },
    /// `/rc NAME`: reject a contact request.
    RejectContact(String),
    /// `/auto_accept on|off [incognito]`.
    AutoAccept {
        /// On or off.
        on: bool,
        /// Accepted contacts get a random profile.
        incognito: bool,
    },
    /// `/incognito on|off`: the default for new connections.
    Incognito(bool),
    /// `/d @NAME`: delete a contact.
    DeleteContact(String),
    /// `/contacts`.
    ListContacts,
    /// `@NAME text`.
    Send {
        /// The contact.
        name: String,
        /// The text.
        text: String,
    },
    /// `> @NAME (quoted) text`: reply with a quote.
    SendQuote {
        /// The contact.
        name: String,
        /// Start of the quoted message's text.
        quoted: String,
        /// The reply.
        text: String,
    },
    /// `! @NAME (old) new`: edit a sent message.
    Edit {
        /// The contact.
        name: String,
        /// Start of the old text (empty: the last sent message).
        old: String,
        /// The new text.
        text: String,
    },
    /// `\ @NAME text`: delete a message (for everyone when it was sent by the user).
    Delete {
        /// The contact.
        name: String,
        /// Start of the message's text.
        text: String,
    },
    /// `+1 @NAME text` / `-1 @NAME text`: add or remove a reaction.
    React {
        /// Add (else remove).
        add: bool,
        /// The emoji.
        emoji: char,
        /// The contact.
        name: String,
        /// Start of the message's text.
        text: String,
    },
    /// `/set disappear @NAME yes [TIME]|no` (also `on`/`off`/`TIME`).
    SetDisappear {
        /// The contact.
        name: String,
        /// The setting.
        setting: TimedSetting,
    },
    /// `/tail [@NAME] [N]`.
    Tail {
        /// One contact, or all chats.
        name: Option<String>,
        /// How many items (10 by default).
        count: usize,
    },
    /// `/smp [SERVERS]`: show or set the active user's relays.
    Servers(Option<Vec<String>>),
    /// `/db export [PATH]` or `/_db export {"archivePath": PATH}`.
    DbExport(Option<String>),
    /// `/_db import {"archivePath": PATH}`.
    DbImport(String),
    /// `/help`.
    Help,
    /// `/version`.
    Version,
    /// `/quit`.
    Quit,
    /// A group command.
    Group(crate::groups_command::GroupCommand),
    /// A file command.
    File(crate::files_command::FileCommand),
}

/// Parses one command line.
pub fn parse(line: &str) -> Result<ChatCommand> {
    let s = line.trim_end();
    parse_inner(s).ok_or_else(|| ChatError::BadCommand(s.to_owned()))
}

fn word<'a>(s: &'a str, alts: &[&str]) -> Option<&'a str> {
    alts.iter().find_map(|a| s.strip_prefix(a))
}

/// A command word followed by the end or a space.
fn keyword<'a>(s: &'a str, alts: &[&str]) -> Option<&'a str> {
    alts.iter().find_map(|a| {
        s.strip_prefix(a)
            .filter(|r| r.is_empty() || r.starts_with(' '))
    })
}

/// The reference's `displayNameP`: `'quoted name'` or a run up to a space or comma.
fn display_name(s: &str) -> Option<(String, &str)> {
    if let Some(rest) = s.strip_prefix('\'') {
        let end = rest.find('\'')?;
        let name = &rest[..end];
        valid_first(name)?;
        return Some((name.to_owned(), &rest[end + 1..]));
    }
    let end = s
        .find(|c: char| c.is_whitespace() || c == ',')
        .unwrap_or(s.len());
    let name = &s[..end];
    valid_first(name)?;
    Some((name.to_owned(), &s[end..]))
}

fn valid_first(name: &str) -> Option<()> {
    let c = name.chars().next()?;
    (c > ' ' && c != '#' && c != '@' && c != '\'').then_some(())
}

/// A name that must be the whole rest (with an optional `@`).
fn only_name(s: &str, at: bool) -> Option<String> {
    let s = if at {
        s.strip_prefix('@').unwrap_or(s)
    } else {
        s
    };
    let (n, rest) = display_name(s)?;
    rest.trim().is_empty().then_some(n)
}

fn on_off(s: &str) -> Option<bool> {
    match s {
        "on" => Some(true),
        "off" => Some(false),
        _ => None,
    }
}

/// `(text)` and the rest after an optional space.
fn quoted(s: &str) -> Option<(String, &str)> {
    let rest = s.strip_prefix('(')?;
    let end = rest.find(')')?;
    let after = &rest[end + 1..];
    Some((
        rest[..end].to_owned(),
        after.strip_prefix(' ').unwrap_or(after),
    ))
}

/// `@name rest` with a non-empty rest after one space.
fn name_and_text(s: &str) -> Option<(String, String)> {
    let (n, rest) = display_name(s.strip_prefix('@')?)?;
    let text = rest.strip_prefix(' ')?;
    (!text.is_empty()).then(|| (n, text.to_owned()))
}

fn parse_inner(s: &str) -> Option<ChatCommand> {
    use ChatCommand as C;
    if let Some(r) = s.strip_prefix('/') {
        if let Some(g) = crate::groups_command::parse_slash(r) {
            return Some(C::Group(g));
        }
        if let Some(f) = crate::files_command::parse_slash(r) {
            return Some(C::File(f));
        }
        return parse_slash(r);
    }
    if let Some(g) = crate::groups_command::parse_message(s) {
        return Some(C::Group(g));
    }
    if s.starts_with('@') {
        let (name, text) = name_and_text(s)?;
        return Some(C::Send { name, text });
    }
    if let Some(r) = word(s, &["> @", ">@"]) {
        let (name, rest) = display_name(r)?;
        let (quoted, text) = quoted(rest.strip_prefix(' ')?)?;
        return (!text.is_empty()).then(|| C::SendQuote {
            name,
            quoted,
            text: text.to_owned(),
        });
    }
    if let Some(r) = word(s, &["! ", "!"]) {
        let (name, rest) = display_name(r.strip_prefix('@')?)?;
        let rest = rest.strip_prefix(' ')?;
        let (old, text) = quoted(rest).unwrap_or((String::new(), rest));
        return (!text.is_empty()).then(|| C::Edit {
            name,
            old,
            text: text.to_owned(),
        });
    }
    if let Some(r) = word(s, &["\\ ", "\\"]) {
        let (name, text) = name_and_text(r)?;
        return Some(C::Delete { name, text });
    }
    if let Some((add, r)) = s
        .strip_prefix('+')
        .map(|r| (true, r))
        .or_else(|| s.strip_prefix('-').map(|r| (false, r)))
    {
        let mut cs = r.chars();
        let emoji = reaction_emoji(cs.next()?)?;
        let rest = cs.as_str().strip_prefix(' ')?;
        let rest = rest.strip_prefix('@').unwrap_or(rest);
        let (name, rest) = display_name(rest)?;
        let text = rest.strip_prefix(' ')?.to_owned();
        return Some(C::React {
            add,
            emoji,
            name,
            text,
        });
    }
    None
}

/// The reference's short forms of reactions (`toEmoji`), or the emoji itself.
pub(crate) fn reaction_emoji(c: char) -> Option<char> {
    let e = match c {
        '1' | '+' => '\u{1F44D}',
        '-' => '\u{1F44E}',
        ')' => '\u{1F600}',
        ',' => '\u{1F622}',
        '*' => '\u{2764}',
        '^' => '\u{1F680}',
        c => c,
    };
    chat_proto::container::REACTION_EMOJI
        .contains(&e)
        .then_some(e)
}

fn incognito_flag(s: &str) -> (bool, &str) {
    for p in [" incognito", " i"] {
        if let Some(r) = s.strip_prefix(p)
            && (r.is_empty() || r.starts_with(' '))
        {
            return (true, r);
        }
    }
    (false, s)
}

fn timed_ttl(s: &str) -> Option<i64> {
    Some(match s {
        "30s" => 30,
        "5min" => 300,
        "1h" => 3600,
        "8h" => 8 * 3600,
        "day" => 86400,
        "week" => 7 * 86400,
        "month" => 30 * 86400,
        n => n.parse().ok().filter(|n| *n > 0)?,
    })
}

fn timed_setting(s: &str) -> Option<TimedSetting> {
    let s = s.trim();
    match s {
        "yes" | "on" => return Some(TimedSetting::Enable(None)),
        "no" | "off" => return Some(TimedSetting::Disable),
        _ => {}
    }
    let t = word(s, &["yes ", "on "]).unwrap_or(s);
    timed_ttl(t).map(|t| TimedSetting::Enable(Some(t)))
}

fn archive_path(json: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    v.get("archivePath")?.as_str().map(str::to_owned)
}

fn parse_slash(r: &str) -> Option<ChatCommand> {
    use ChatCommand as C;
    let exact = |alts: &[&str]| alts.contains(&r);
    if exact(&["user", "u"]) {
        return Some(C::ShowActiveUser);
    }
    if exact(&["users"]) {
        return Some(C::ListUsers);
    }
    if let Some(rest) = r.strip_prefix("create user ") {
        let (name, after) = display_name(rest)?;
        return Some(C::CreateUser {
            name,
            full_name: after.trim().to_owned(),
        });
    }
    if let Some(rest) = word(r, &["user ", "u "]) {
        return only_name(rest, false).map(C::SetActiveUser);
    }
    if let Some(rest) = keyword(r, &["connect", "c"]) {
        let (incognito, rest) = incognito_flag(rest);
        if rest.is_empty() {
            return Some(C::AddContact { incognito });
        }
        let link = rest.strip_prefix(' ')?.trim();
        if link.is_empty() || link.contains(' ') {
            return None;
        }
        return Some(C::Connect {
            incognito,
            link: link.to_owned(),
        });
    }
    if exact(&["address", "ad"]) {
        return Some(C::CreateAddress);
    }
    if exact(&["show_address", "sa"]) {
        return Some(C::ShowAddress);
    }
    if exact(&["delete_address", "da"]) {
        return Some(C::DeleteAddress);
    }
    if let Some(rest) = keyword(r, &["accept", "ac"]) {
        let (incognito, rest) = incognito_flag(rest);
        return only_name(rest.strip_prefix(' ')?, true)
            .map(|name| C::AcceptContact { incognito, name });
    }
    if let Some(rest) = word(r, &["reject ", "rc "]) {
        return only_name(rest, true).map(C::RejectContact);
    }
    if let Some(rest) = r.strip_prefix("auto_accept ") {
        let mut parts = rest.split_whitespace();
        let on = on_off(parts.next()?)?;
        let incognito = match parts.next() {
            None | Some("incognito=off") => false,
            Some("incognito" | "incognito=on") => true,
            Some(_) => return None,
        };
        return parts
            .next()
            .is_none()
            .then_some(C::AutoAccept { on, incognito });
    }
    if let Some(rest) = r.strip_prefix("incognito ") {
        return on_off(rest.trim()).map(C::Incognito);
    }
    if let Some(rest) = word(r, &["delete ", "d "]) {
        return only_name(rest, true).map(C::DeleteContact);
    }
    if exact(&["contacts"]) {
        return Some(C::ListContacts);
    }
    if let Some(rest) = r.strip_prefix("set disappear @") {
        let (name, after) = display_name(rest)?;
        let setting = timed_setting(after)?;
        return Some(C::SetDisappear { name, setting });
    }
    if let Some(rest) = keyword(r, &["tail", "t"]) {
        return parse_tail(rest);
    }
    if let Some(rest) = keyword(r, &["smp"]) {
        let list: Vec<String> = rest
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        return Some(C::Servers((!list.is_empty()).then_some(list)));
    }
    if let Some(rest) = r.strip_prefix("db export") {
        let p = rest.trim();
        return Some(C::DbExport((!p.is_empty()).then(|| p.to_owned())));
    }
    if let Some(rest) = r.strip_prefix("_db export ") {
        return archive_path(rest).map(|p| C::DbExport(Some(p)));
    }
    if let Some(rest) = r.strip_prefix("_db import ") {
        return archive_path(rest).map(C::DbImport);
    }
    if exact(&["help", "h"]) {
        return Some(C::Help);
    }
    if exact(&["version", "v"]) {
        return Some(C::Version);
    }
    if exact(&["quit", "q", "exit"]) {
        return Some(C::Quit);
    }
    None
}

fn parse_tail(rest: &str) -> Option<ChatCommand> {
    let mut name = None;
    let mut count = 10;
    let mut rest = rest;
    if let Some(r) = rest.strip_prefix(" @") {
        let (n, after) = display_name(r)?;
        name = Some(n);
        rest = after;
    }
    let rest = rest.trim();
    if !rest.is_empty() {
        count = rest.parse().ok()?;
    }
    Some(ChatCommand::Tail { name, count })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use ChatCommand as C;

    #[test]
    fn contact_commands() {
        assert_eq!(parse("/c").unwrap(), C::AddContact { incognito: false });
        assert_eq!(
            parse("/connect i").unwrap(),
            C::AddContact { incognito: true }
        );
        assert_eq!(
            parse("/c simplex:/invitation#/?v=2").unwrap(),
            C::Connect {
                incognito: false,
                link: "simplex:/invitation#/?v=2".into()
            }
        );
        assert_eq!(
            parse("/c incognito https://x/i#abc").unwrap(),
            C::Connect {
                incognito: true,
                link: "https://x/i#abc".into()
            }
        );
        assert_eq!(parse("/ad").unwrap(), C::CreateAddress);
        assert_eq!(parse("/show_address").unwrap(), C::ShowAddress);
        assert_eq!(parse("/da").unwrap(), C::DeleteAddress);
        assert_eq!(
            parse("/ac bob").unwrap(),
            C::AcceptContact {
                incognito: false,
                name: "bob".into()
            }
        );
        assert_eq!(
            parse("/accept i @bob_1").unwrap(),
            C::AcceptContact {
                incognito: true,
                name: "bob_1".into()
            }
        );
        assert_eq!(parse("/rc @bob").unwrap(), C::RejectContact("bob".into()));
        assert_eq!(
            parse("/auto_accept on incognito=on").unwrap(),
            C::AutoAccept {
                on: true,
                incognito: true
            }
        );
        assert_eq!(
            parse("/auto_accept off").unwrap(),
            C::AutoAccept {
                on: false,
                incognito: false
            }
        );
        assert_eq!(
            parse("/d @'Bob Smith'").unwrap(),
            C::DeleteContact("Bob Smith".into())
        );
        assert_eq!(parse("/incognito on").unwrap(), C::Incognito(true));
        assert!(parse("/c a b").is_err());
        assert!(parse("/ac").is_err());
        assert_eq!(parse("/contacts").unwrap(), C::ListContacts);
        assert!(parse("/cx").is_err());
    }

    #[test]
    fn message_commands() {
        assert_eq!(
            parse("@bob hello there").unwrap(),
            C::Send {
                name: "bob".into(),
                text: "hello there".into()
            }
        );
        assert_eq!(
            parse("> @bob (hello) hi!").unwrap(),
            C::SendQuote {
                name: "bob".into(),
                quoted: "hello".into(),
                text: "hi!".into()
            }
        );
        assert_eq!(
            parse("! @bob (helo) hello").unwrap(),
            C::Edit {
                name: "bob".into(),
                old: "helo".into(),
                text: "hello".into()
            }
        );
        assert_eq!(
            parse("\\ @bob hello").unwrap(),
            C::Delete {
                name: "bob".into(),
                text: "hello".into()
            }
        );
        assert_eq!(
            parse("+1 @bob hello").unwrap(),
            C::React {
                add: true,
                emoji: '\u{1F44D}',
                name: "bob".into(),
                text: "hello".into()
            }
        );
        assert_eq!(
            parse("-^ bob hi").unwrap(),
            C::React {
                add: false,
                emoji: '\u{1F680}',
                name: "bob".into(),
                text: "hi".into()
            }
        );
        assert!(parse("@bob").is_err());
        assert!(parse("+x @bob hi").is_err());
        assert!(parse("hello").is_err());
    }

    #[test]
    fn other_commands() {
        assert_eq!(
            parse("/tail").unwrap(),
            C::Tail {
                name: None,
                count: 10
            }
        );
        assert_eq!(
            parse("/t @bob 5").unwrap(),
            C::Tail {
                name: Some("bob".into()),
                count: 5
            }
        );
        assert_eq!(
            parse("/set disappear @bob yes 30s").unwrap(),
            C::SetDisappear {
                name: "bob".into(),
                setting: TimedSetting::Enable(Some(30))
            }
        );
        assert_eq!(
            parse("/set disappear @bob off").unwrap(),
            C::SetDisappear {
                name: "bob".into(),
                setting: TimedSetting::Disable
            }
        );
        assert_eq!(
            parse("/set disappear @bob 1h").unwrap(),
            C::SetDisappear {
                name: "bob".into(),
                setting: TimedSetting::Enable(Some(3600))
            }
        );
        assert_eq!(
            parse("/create user alice Alice A").unwrap(),
            C::CreateUser {
                name: "alice".into(),
                full_name: "Alice A".into()
            }
        );
        assert_eq!(parse("/user bob").unwrap(), C::SetActiveUser("bob".into()));
        assert_eq!(parse("/u").unwrap(), C::ShowActiveUser);
        assert_eq!(
            parse("/_db export {\"archivePath\":\"/tmp/a.zip\"}").unwrap(),
            C::DbExport(Some("/tmp/a.zip".into()))
        );
        assert_eq!(
            parse("/_db import {\"archivePath\":\"a.zip\"}").unwrap(),
            C::DbImport("a.zip".into())
        );
        assert_eq!(
            parse("/smp smp://a@b smp://c@d").unwrap(),
            C::Servers(Some(vec!["smp://a@b".into(), "smp://c@d".into()]))
        );
        assert_eq!(parse("/help").unwrap(), C::Help);
        assert!(matches!(parse("/nonsense"), Err(ChatError::BadCommand(_))));
    }
}
