//! The `/_…` forms that read and change chats and items: `/_get chat`, `/_get chats`,
//! `/_update item`, `/_delete item`, `/_reaction`, `/_read chat` (the reference's
//! `chatCommandP`).

use chat_api::command::{CIDeleteMode, ChatListQuery, ChatRef, UpdatedMessage};
use chat_proto::container::MsgReaction;

use super::parse::{ApiCall, NotApi};
use crate::store::ItemPage;

fn bad(msg: impl Into<String>) -> NotApi {
    NotApi::Bad(msg.into())
}

fn num<T: std::str::FromStr>(s: &str) -> Result<T, NotApi> {
    s.parse()
        .map_err(|_| bad(format!("expected a number, got {s:?}")))
}

/// `@ID` or `#ID` (notes folders `*ID` and group scopes are not supported).
pub(super) fn chat_ref(s: &str) -> Result<ChatRef, NotApi> {
    if let Some(n) = s.strip_prefix('@') {
        return num(n).map(ChatRef::Direct);
    }
    if let Some(n) = s.strip_prefix('#') {
        return num(n).map(ChatRef::Group);
    }
    if s.starts_with('*') {
        return Err(bad("notes folders are not supported"));
    }
    Err(bad(format!("expected @ID or #ID, got {s:?}")))
}

/// `count=N`, `after=ID count=N`, `before=ID count=N` (`around=` and `initial=` are
/// not supported).
fn pagination(words: &[&str]) -> Result<ItemPage, NotApi> {
    let count = |w: &str| -> Result<usize, NotApi> {
        w.strip_prefix("count=")
            .ok_or_else(|| bad(format!("expected count=N, got {w:?}")))
            .and_then(num)
    };
    match words {
        [w] => Ok(ItemPage::Last(count(w)?)),
        [w, c] => {
            if let Some(id) = w.strip_prefix("after=") {
                Ok(ItemPage::After(num(id)?, count(c)?))
            } else if let Some(id) = w.strip_prefix("before=") {
                Ok(ItemPage::Before(num(id)?, count(c)?))
            } else {
                Err(bad(format!("pagination {w:?} is not supported")))
            }
        }
        _ => Err(bad(
            "expected count=N, after=ID count=N or before=ID count=N",
        )),
    }
}

/// `/_get chat <chatRef> <pagination>` (`content=` and `search=` are not supported).
fn get_chat(rest: &str) -> Result<ApiCall, NotApi> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let (first, page) = words.split_first().ok_or_else(|| bad("missing chat"))?;
    if let Some(w) = page
        .iter()
        .find(|w| w.starts_with("content=") || w.starts_with("search="))
    {
        return Err(bad(format!("{w:?} is not supported")));
    }
    Ok(ApiCall::GetChat {
        chat: chat_ref(first)?,
        page: pagination(page)?,
    })
}

/// `/_get chats <userId>[ pcc=on|off] count=N[ <json(query)>]` (chats updated before or
/// after a time are not supported).
fn get_chats(rest: &str) -> Result<ApiCall, NotApi> {
    let (head, json) = match rest.find('{') {
        Some(at) => (&rest[..at], Some(&rest[at..])),
        None => (rest, None),
    };
    let mut words = head.split_whitespace();
    let user_id = num(words.next().unwrap_or_default())?;
    let mut count = None;
    for w in words {
        match w {
            "pcc=on" | "pcc=off" => {}
            _ => match w.strip_prefix("count=") {
                Some(n) => count = Some(num(n)?),
                None => return Err(bad(format!("{w:?} is not supported"))),
            },
        }
    }
    let query = match json {
        Some(j) => serde_json::from_str(j).map_err(|e| bad(e.to_string()))?,
        None => ChatListQuery::Filters {
            favorite: false,
            unread: false,
        },
    };
    Ok(ApiCall::GetChats {
        user_id,
        count: count.ok_or_else(|| bad("expected count=N"))?,
        query,
    })
}

/// `/_update item <chatRef> <itemId>[ live=on] json <json(updatedMessage)>`.
fn update_item(rest: &str) -> Result<ApiCall, NotApi> {
    let (head, json) = rest
        .split_once(" json ")
        .ok_or_else(|| bad("expected /_update item <chat> <id> json {...}"))?;
    let words: Vec<&str> = head.split_whitespace().collect();
    let (chat, item_id) = match words.as_slice() {
        [c, id] | [c, id, "live=on" | "live=off"] => (chat_ref(c)?, num(id)?),
        _ => return Err(bad("expected /_update item <chat> <id> json {...}")),
    };
    let message: UpdatedMessage = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
    Ok(ApiCall::UpdateItem {
        chat,
        item_id,
        message: Box::new(message),
    })
}

/// `/_delete item <chatRef> <id>[,<id>...] broadcast|internal|internalMark|history`.
pub(super) fn delete_item(rest: &str) -> Result<ApiCall, NotApi> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let [c, ids, mode] = words.as_slice() else {
        return Err(bad("expected /_delete item <chat> <ids> <mode>"));
    };
    let item_ids = ids.split(',').map(num).collect::<Result<Vec<i64>, _>>()?;
    let mode = match *mode {
        "broadcast" => CIDeleteMode::Broadcast,
        "internal" => CIDeleteMode::Internal,
        "internalMark" => CIDeleteMode::InternalMark,
        "history" => CIDeleteMode::History,
        m => return Err(bad(format!("unknown delete mode {m:?}"))),
    };
    Ok(ApiCall::DeleteItems {
        chat: chat_ref(c)?,
        item_ids,
        mode,
    })
}

/// `/_reaction <chatRef> <itemId> on|off <json(reaction)>`.
fn reaction(rest: &str) -> Result<ApiCall, NotApi> {
    let mut parts = rest.splitn(4, ' ');
    let (Some(c), Some(id), Some(on), Some(json)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("expected /_reaction <chat> <id> on|off {json}"));
    };
    let add = match on {
        "on" => true,
        "off" => false,
        w => return Err(bad(format!("expected on or off, got {w:?}"))),
    };
    let reaction: MsgReaction = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
    Ok(ApiCall::Reaction {
        chat: chat_ref(c)?,
        item_id: num(id)?,
        add,
        reaction,
    })
}

/// `/_read chat <chatRef>` or `/_read chat items <chatRef> <id>[,<id>...]`.
fn read_chat(rest: &str) -> Result<ApiCall, NotApi> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    match words.as_slice() {
        ["chat", c] => Ok(ApiCall::ReadChat {
            chat: chat_ref(c)?,
            item_ids: Vec::new(),
        }),
        ["chat", "items", c, ids] => Ok(ApiCall::ReadChat {
            chat: chat_ref(c)?,
            item_ids: ids.split(',').map(num).collect::<Result<_, _>>()?,
        }),
        _ => Err(bad(
            "expected /_read chat <chat> or /_read chat items <chat> <ids>",
        )),
    }
}

/// The chat forms: `name` is the command word after `/_`, `rest` what follows.
pub(super) fn parse_chat_form(name: &str, rest: &str) -> Option<Result<ApiCall, NotApi>> {
    Some(match name {
        "get" => match rest.split_once(' ') {
            Some(("chat", r)) => get_chat(r),
            Some(("chats", r)) => get_chats(r),
            _ => Err(bad(format!("/_get {rest} is not supported"))),
        },
        "update" => match rest.strip_prefix("item ") {
            Some(r) => update_item(r),
            None => Err(bad("expected /_update item ...")),
        },
        "reaction" => reaction(rest),
        "read" => read_chat(rest),
        _ => return None,
    })
}
