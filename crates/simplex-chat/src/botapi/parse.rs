//! The `/_…` API command forms bots send (the reference's `chatCommandP` in
//! `Commands.hs`), for the commands this engine implements.

use chat_api::address::AddressSettings;
use chat_api::command::{
    CIDeleteMode, ChatListQuery, ChatRef, ComposedMessage, UpdatedMessage, parse_composed_messages,
};
use chat_proto::container::MsgReaction;

use crate::store::ItemPage;

/// One parsed `/_…` API command.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiCall {
    /// `/_address USER_ID`.
    CreateAddress(i64),
    /// `/_show_address USER_ID`.
    ShowAddress(i64),
    /// `/_delete_address USER_ID`.
    DeleteAddress(i64),
    /// `/_auto_accept USER_ID on|off [incognito=on]` (an auto-reply `json …` is ignored),
    /// or the auto-accept part of `/_address_settings USER_ID {json}`.
    AutoAccept {
        /// The user.
        user_id: i64,
        /// On or off.
        on: bool,
        /// Accept with a random profile.
        incognito: bool,
    },
    /// `/_contacts USER_ID`.
    Contacts(i64),
    /// `/_groups USER_ID …`.
    Groups(i64),
    /// `/_send @CONTACT_ID [live=on] [ttl=N] json [...]`.
    Send {
        /// The contact.
        contact_id: i64,
        /// The messages.
        messages: Vec<ComposedMessage>,
    },
    /// `/_send #GROUP_ID [live=on] [ttl=N] json [...]`.
    SendGroup {
        /// The group.
        group_id: i64,
        /// The messages.
        messages: Vec<ComposedMessage>,
    },
    /// `/_accept [incognito=on] REQUEST_ID`.
    Accept {
        /// The contact request.
        request_id: i64,
        /// With a random profile.
        incognito: bool,
    },
    /// `/_reject REQUEST_ID`.
    Reject(i64),
    /// `/_delete @CONTACT_ID …`.
    DeleteContact(i64),
    /// `/_user USER_ID`.
    SetActiveUser(i64),
    /// A group command (members, group links).
    Group(super::parse_group::GroupCall),
    /// `/_get chat <chat> count=N|after=ID count=N|before=ID count=N`.
    GetChat {
        /// The chat.
        chat: ChatRef,
        /// Which items.
        page: ItemPage,
    },
    /// `/_get chats <userId>[ pcc=on] count=N[ <query>]`.
    GetChats {
        /// The user.
        user_id: i64,
        /// How many chats (the most recently updated).
        count: usize,
        /// Which chats.
        query: ChatListQuery,
    },
    /// `/_update item <chat> <itemId>[ live=on] json <message>`.
    UpdateItem {
        /// The chat.
        chat: ChatRef,
        /// The item.
        item_id: i64,
        /// The new content.
        message: Box<UpdatedMessage>,
    },
    /// `/_delete item <chat> <ids> <mode>`.
    DeleteItems {
        /// The chat.
        chat: ChatRef,
        /// The items.
        item_ids: Vec<i64>,
        /// How.
        mode: CIDeleteMode,
    },
    /// `/_read chat <chat>` (all items) or `/_read chat items <chat> <ids>`.
    ReadChat {
        /// The chat.
        chat: ChatRef,
        /// The items (empty: the whole chat).
        item_ids: Vec<i64>,
    },
    /// `/_reaction <chat> <itemId> on|off <reaction>`.
    Reaction {
        /// The chat.
        chat: ChatRef,
        /// The item.
        item_id: i64,
        /// Set or remove.
        add: bool,
        /// The reaction.
        reaction: MsgReaction,
    },
}

/// Why a `/_…` line is not a command this engine runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotApi {
    /// Not an API form: try the terminal syntax.
    Other,
    /// An API form with bad arguments, or one not implemented (the message says which).
    Bad(String),
}

fn id(s: &str) -> Result<i64, NotApi> {
    s.parse()
        .map_err(|_| NotApi::Bad(format!("expected a number, got {s:?}")))
}

fn on_off(s: &str) -> Result<bool, NotApi> {
    match s {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(NotApi::Bad(format!("expected on or off, got {s:?}"))),
    }
}

/// `@ID` (a direct chat); groups and notes are not supported yet.
fn direct_ref(s: &str) -> Result<i64, NotApi> {
    match s.strip_prefix('@') {
        Some(n) => id(n),
        None if s.starts_with('#') => Err(NotApi::Bad("groups are not supported yet".into())),
        None => Err(NotApi::Bad(format!("expected @CONTACT_ID, got {s:?}"))),
    }
}

/// The single argument of a one-argument command.
fn single(rest: &str) -> Result<i64, NotApi> {
    let mut words = rest.split_whitespace();
    let first = words
        .next()
        .ok_or_else(|| NotApi::Bad("missing id".into()))?;
    let n = id(first)?;
    match words.next() {
        None => Ok(n),
        Some(w) => Err(NotApi::Bad(format!("unexpected {w:?}"))),
    }
}

fn send(rest: &str) -> Result<ApiCall, NotApi> {
    let (head, json) = rest
        .split_once(" json ")
        .ok_or_else(|| NotApi::Bad("expected /_send @ID json [...]".into()))?;
    let mut words = head.split_whitespace();
    let chat = words
        .next()
        .ok_or_else(|| NotApi::Bad("missing chat".into()))?;
    let group = chat.strip_prefix('#').map(id).transpose()?;
    let contact_id = match group {
        Some(_) => 0,
        None => direct_ref(chat)?,
    };
    for w in words {
        // live messages and per-message TTLs are accepted and sent as ordinary ones
        let known = ["live=on", "live=off", "sign=on", "sign=off"].contains(&w)
            || w.strip_prefix("ttl=")
                .is_some_and(|t| t.parse::<i64>().is_ok());
        if !known {
            return Err(NotApi::Bad(format!("unexpected {w:?}")));
        }
    }
    let messages = parse_composed_messages(&with_file_sources(json))
        .map_err(|e| NotApi::Bad(e.to_string()))?;
    Ok(match group {
        Some(group_id) => ApiCall::SendGroup { group_id, messages },
        None => ApiCall::Send {
            contact_id,
            messages,
        },
    })
}

/// The composed messages with a legacy `filePath` read as a plain `fileSource`, as the
/// reference's `FromJSON ComposedMessage` does (the JSON text unchanged when it has none
/// or does not parse: the caller reports the error).
fn with_file_sources(json: &str) -> String {
    use serde_json::Value;
    let Ok(mut v) = serde_json::from_str::<Value>(json.trim()) else {
        return json.to_owned();
    };
    let fix = |m: &mut Value| {
        if let Some(o) = m.as_object_mut()
            && !o.contains_key("fileSource")
            && let Some(p) = o.remove("filePath")
        {
            o.insert("fileSource".into(), serde_json::json!({ "filePath": p }));
        }
    };
    match &mut v {
        Value::Array(list) => list.iter_mut().for_each(fix),
        other => fix(other),
    }
    v.to_string()
}

fn auto_accept(rest: &str) -> Result<ApiCall, NotApi> {
    let (head, _auto_reply) = rest.split_once(" json ").unwrap_or((rest, ""));
    let mut words = head.split_whitespace();
    let user_id = id(words.next().unwrap_or_default())?;
    let on = on_off(words.next().unwrap_or_default())?;
    let mut incognito = false;
    for w in words {
        incognito = match w {
            "incognito=on" => true,
            "incognito=off" => false,
            _ => return Err(NotApi::Bad(format!("unexpected {w:?}"))),
        };
    }
    Ok(ApiCall::AutoAccept {
        user_id,
        on,
        incognito,
    })
}

fn accept(rest: &str) -> Result<ApiCall, NotApi> {
    let (incognito, r) = match rest.trim_start().strip_prefix("incognito=") {
        Some(r) => {
            let (flag, r) = r.split_once(' ').unwrap_or((r, ""));
            (on_off(flag)?, r)
        }
        None => (false, rest),
    };
    Ok(ApiCall::Accept {
        request_id: single(r)?,
        incognito,
    })
}

/// Parses a `/_…` API command line.
pub fn parse_api(line: &str) -> Result<ApiCall, NotApi> {
    let line = line.trim();
    let Some(body) = line.strip_prefix("/_") else {
        return Err(NotApi::Other);
    };
    let (name, rest) = body.split_once(' ').unwrap_or((body, ""));
    let rest = rest.trim();
    if let Some(call) = super::parse_group::parse_group_api(name, rest) {
        return call.map(ApiCall::Group);
    }
    if let Some(call) = super::parse_chats::parse_chat_form(name, rest) {
        return call;
    }
    match name {
        "address" => single(rest).map(ApiCall::CreateAddress),
        "show_address" => single(rest).map(ApiCall::ShowAddress),
        "delete_address" => single(rest).map(ApiCall::DeleteAddress),
        "auto_accept" => auto_accept(rest),
        "address_settings" => {
            let (uid, json) = rest
                .split_once(' ')
                .ok_or_else(|| NotApi::Bad("expected /_address_settings ID {json}".into()))?;
            let settings: AddressSettings =
                serde_json::from_str(json).map_err(|e| NotApi::Bad(e.to_string()))?;
            Ok(ApiCall::AutoAccept {
                user_id: id(uid)?,
                on: settings.auto_accept.is_some(),
                incognito: settings.auto_accept.is_some_and(|a| a.accept_incognito),
            })
        }
        "contacts" => single(rest).map(ApiCall::Contacts),
        "groups" => id(rest.split_whitespace().next().unwrap_or_default()).map(ApiCall::Groups),
        "send" => send(rest),
        "accept" => accept(rest),
        "reject" => single(rest).map(ApiCall::Reject),
        "delete" if rest.starts_with("item ") => {
            super::parse_chats::delete_item(rest.trim_start_matches("item "))
        }
        "delete" => {
            let chat = rest.split_whitespace().next().unwrap_or_default();
            direct_ref(chat).map(ApiCall::DeleteContact)
        }
        "user" => single(rest).map(ApiCall::SetActiveUser),
        // the terminal syntax has its own `/_db …` forms, and `/_files_folder PATH`
        "db" | "files_folder" => Err(NotApi::Other),
        other => Err(NotApi::Bad(format!("/_{other} is not supported"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use chat_api::command::{ApiCommand, ChatRef};

    #[test]
    fn parses_what_chat_api_renders() {
        let cases = [
            (
                ApiCommand::CreateMyAddress { user_id: 3 },
                ApiCall::CreateAddress(3),
            ),
            (
                ApiCommand::ShowMyAddress { user_id: 3 },
                ApiCall::ShowAddress(3),
            ),
            (
                ApiCommand::DeleteMyAddress { user_id: 3 },
                ApiCall::DeleteAddress(3),
            ),
            (
                ApiCommand::AddressAutoAccept {
                    user_id: 1,
                    enable: true,
                    incognito: true,
                    auto_reply: None,
                },
                ApiCall::AutoAccept {
                    user_id: 1,
                    on: true,
                    incognito: true,
                },
            ),
            (
                ApiCommand::ListContacts { user_id: 2 },
                ApiCall::Contacts(2),
            ),
            (
                ApiCommand::ListGroups {
                    user_id: 2,
                    contact_id: Some(4),
                    search: None,
                },
                ApiCall::Groups(2),
            ),
            (
                ApiCommand::AcceptContact { contact_req_id: 9 },
                ApiCall::Accept {
                    request_id: 9,
                    incognito: false,
                },
            ),
            (
                ApiCommand::RejectContact { contact_req_id: 9 },
                ApiCall::Reject(9),
            ),
            (
                ApiCommand::SendMessages {
                    chat: ChatRef::Direct(5),
                    live: false,
                    ttl: Some(60),
                    sign: false,
                    messages: vec![ComposedMessage::text("hi there")],
                },
                ApiCall::Send {
                    contact_id: 5,
                    messages: vec![ComposedMessage::text("hi there")],
                },
            ),
            (
                ApiCommand::SetActiveUser { user_id: 2 },
                ApiCall::SetActiveUser(2),
            ),
            (
                ApiCommand::GetChats {
                    user_id: 1,
                    pending_connections: true,
                    count: 20,
                    query: ChatListQuery::Search {
                        search: "bo".into(),
                    },
                },
                ApiCall::GetChats {
                    user_id: 1,
                    count: 20,
                    query: ChatListQuery::Search {
                        search: "bo".into(),
                    },
                },
            ),
            (
                ApiCommand::UpdateChatItem {
                    chat: ChatRef::Group(3),
                    item_id: 8,
                    live: false,
                    message: UpdatedMessage {
                        msg_content: chat_proto::content::MsgContent::text("new"),
                        mentions: Default::default(),
                    },
                },
                ApiCall::UpdateItem {
                    chat: ChatRef::Group(3),
                    item_id: 8,
                    message: Box::new(UpdatedMessage {
                        msg_content: chat_proto::content::MsgContent::text("new"),
                        mentions: Default::default(),
                    }),
                },
            ),
            (
                ApiCommand::DeleteChatItem {
                    chat: ChatRef::Direct(2),
                    item_ids: vec![4, 5],
                    mode: CIDeleteMode::InternalMark,
                },
                ApiCall::DeleteItems {
                    chat: ChatRef::Direct(2),
                    item_ids: vec![4, 5],
                    mode: CIDeleteMode::InternalMark,
                },
            ),
            (
                ApiCommand::ChatItemReaction {
                    chat: ChatRef::Direct(2),
                    item_id: 4,
                    add: false,
                    reaction: MsgReaction::Emoji('👍'),
                },
                ApiCall::Reaction {
                    chat: ChatRef::Direct(2),
                    item_id: 4,
                    add: false,
                    reaction: MsgReaction::Emoji('👍'),
                },
            ),
        ];
        for (cmd, want) in cases {
            let line = cmd.to_command_string();
            assert_eq!(parse_api(&line), Ok(want), "{line}");
        }
    }

    #[test]
    fn parses_group_sends() {
        let call =
            parse_api("/_send #7 json [{\"msgContent\":{\"type\":\"text\",\"text\":\"a\"}}]");
        let Ok(ApiCall::SendGroup { group_id, messages }) = call else {
            panic!("{call:?}")
        };
        assert_eq!((group_id, messages.len()), (7, 1));
    }

    // The reference's `FromJSON ComposedMessage` (Controller.hs) reads a legacy
    // `filePath` as a plain `fileSource`; a `fileSource` given wins.
    #[test]
    fn file_path_is_a_plain_file_source() {
        let mc = r#""msgContent":{"type":"file","text":""}"#;
        for (json, path) in [
            (format!(r#"[{{"filePath":"/a.txt",{mc}}}]"#), "/a.txt"),
            (format!(r#"{{"filePath":"/a.txt",{mc}}}"#), "/a.txt"),
            (
                format!(r#"[{{"filePath":"/a","fileSource":{{"filePath":"/b"}},{mc}}}]"#),
                "/b",
            ),
        ] {
            let call = parse_api(&format!("/_send @1 json {json}"));
            let Ok(ApiCall::Send { messages, .. }) = call else {
                panic!("{call:?}")
            };
            let src = messages[0]
                .file_source
                .as_ref()
                .map(|s| s.file_path.as_str());
            assert_eq!(src, Some(path));
        }
    }

    // the reference's `chatPaginationP` (Commands.hs): count=, after=ID count=,
    // before=ID count=
    #[test]
    fn parses_get_chat_pages() {
        for (line, page) in [
            ("/_get chat @2 count=10", ItemPage::Last(10)),
            ("/_get chat @2 after=7 count=3", ItemPage::After(7, 3)),
            ("/_get chat @2 before=7 count=3", ItemPage::Before(7, 3)),
        ] {
            let chat = ChatRef::Direct(2);
            assert_eq!(
                parse_api(line),
                Ok(ApiCall::GetChat { chat, page }),
                "{line}"
            );
        }
        assert_eq!(
            parse_api("/_read chat #3"),
            Ok(ApiCall::ReadChat {
                chat: ChatRef::Group(3),
                item_ids: vec![]
            })
        );
        assert_eq!(
            parse_api("/_read chat items @2 5,6"),
            Ok(ApiCall::ReadChat {
                chat: ChatRef::Direct(2),
                item_ids: vec![5, 6]
            })
        );
        let Ok(ApiCall::GetChats { query, count, .. }) = parse_api("/_get chats 1 count=5") else {
            panic!("no query")
        };
        assert_eq!(count, 5);
        assert!(matches!(
            query,
            ChatListQuery::Filters {
                favorite: false,
                unread: false
            }
        ));
        for bad in [
            "/_get chat @2",
            "/_get chat @2 around=7 count=3",
            "/_get chat @2 count=3 search=x",
            "/_get chat *1 count=3",
            "/_get chats 1",
            "/_delete item @2 1 history x",
            "/_delete item @2 x internal",
            "/_reaction @2 1 maybe {}",
            "/_read chat",
            "/_read chat items @2",
        ] {
            assert!(matches!(parse_api(bad), Err(NotApi::Bad(_))), "{bad}");
        }
    }

    #[test]
    fn rejects_bad_forms() {
        assert_eq!(parse_api("/contacts"), Err(NotApi::Other));
        assert_eq!(parse_api("/_db export {}"), Err(NotApi::Other));
        for bad in [
            "/_address x",
            "/_address 1 2",
            "/_send #x json [{\"msgContent\":{\"type\":\"text\",\"text\":\"a\"}}]",
            "/_send @1 json []",
            "/_send @1 json {",
            "/_send @1",
            "/_auto_accept 1 maybe",
            "/_nonsense 1",
        ] {
            assert!(matches!(parse_api(bad), Err(NotApi::Bad(_))), "{bad}");
        }
    }
}
