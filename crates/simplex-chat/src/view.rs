//! Terminal text of [`ChatOutput`]s, after the reference's `View.hs` (texts of the
//! terminal client), for the outputs this engine has.

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use crate::output::ChatOutput;
use crate::store::{ChatItem, Contact, FileRecord, ItemStatus, User};

/// The `/help` text.
pub const HELP: &str = "Using SimpleX Chat
Follow these steps to set up a connection:

Step 1: To create a one-time invitation link: /c (/connect)
Step 2: Pass the link to your contact (via another channel) and ask them to connect with /c LINK
Step 3: When your contact connects, you can send messages: @name text

Contacts:   /c [i] [LINK], /contacts, /d @name (delete)
Address:    /ad (create), /sa (show), /da (delete), /ac [i] name, /rc name,
            /auto_accept on|off [incognito]
Incognito:  /incognito on|off (random profile for new connections), /c i, /ac i name
Messages:   @name text, > @name (quoted text) reply, ! @name (old text) new text,
            \\ @name text (delete), +1 @name text (react, also -1 +- +) +, +* +^)
Disappear:  /set disappear @name yes [30s|5min|1h|8h|day|week|month|SECONDS] | no
History:    /tail [@name] [N]
Groups:     /g name, /a #group @name [role], /j #group, #group text, > #group (quoted) reply,
            /ms #group, /mr #group @name role, /rm #group @name, /l #group,
            /gp #group name [full name], /d #group, /tail #group [N]
Files:      /f @name|#group PATH (send), /fr N [DIR/|PATH] (receive), /fc N (cancel),
            /fs N (status), /xftp [SERVERS] (file relays), /_files_folder PATH
Users:      /user, /users, /create user NAME, /user NAME (switch)
Relays:     /smp (show), /smp smp://... (set for the active user)
Database:   /db export [PATH], /_db export {\"archivePath\":PATH}
Other:      /help, /version, /quit";

/// Renders an output as lines of text. With `qr`, invitation and address links are
/// followed by a QR code drawn with Unicode blocks.
pub fn render(out: &ChatOutput, qr: bool) -> Vec<String> {
    match out {
        ChatOutput::ActiveUser(u) => vec![format!("user profile: {}", user_name(u))],
        ChatOutput::Users(us) => us.iter().map(user_line).collect(),
        ChatOutput::Invitation {
            link,
            short_link,
            incognito,
        } => invitation(link, short_link.as_deref(), incognito.as_deref(), qr),
        ChatOutput::ConnectionSent {
            via_address,
            incognito,
        } => connection_sent(*via_address, incognito.as_deref()),
        ChatOutput::Address {
            created,
            link,
            short_link,
        } => address(*created, link, short_link.as_deref(), qr),
        ChatOutput::AddressDeleted => lines(
            "Your chat address is deleted - accepted contacts will remain connected.\nTo create a new chat address use /ad",
        ),
        ChatOutput::AutoAccept { on, incognito } => vec![match (on, incognito) {
            (false, _) => "auto_accept off".to_owned(),
            (true, false) => "auto_accept on".to_owned(),
            (true, true) => "auto_accept on, incognito".to_owned(),
        }],
        ChatOutput::Incognito(on) => vec![if *on {
            "new connections will use a random (incognito) profile".to_owned()
        } else {
            "new connections will use your main profile".to_owned()
        }],
        ChatOutput::ContactRequest { name, full_name } => vec![
            format!("{} wants to connect to you!", with_full(name, full_name)),
            format!("to accept: /ac {name}"),
            format!("to reject: /rc {name} (the sender will NOT be notified)"),
        ],
        ChatOutput::RequestAccepted { name, incognito } => vec![match incognito {
            None => format!("{name}: accepting contact request, you can send messages to contact"),
            Some(p) => format!(
                "{name}: accepting contact request, your incognito profile for this contact is {p}"
            ),
        }],
        ChatOutput::RequestRejected(name) => vec![format!("{name}: contact request rejected")],
        ChatOutput::ContactConnected { contact } => contact_connected(contact),
        ChatOutput::ContactDeleted(name) => vec![format!("{name}: contact is deleted")],
        ChatOutput::ContactDeletedByContact(name) => {
            vec![format!("{name} deleted contact with you")]
        }
        ChatOutput::Contacts(cs) => cs.iter().map(contact_line).collect(),
        ChatOutput::NewItem { contact, item } => item_lines(contact, item),
        ChatOutput::ItemUpdated { contact, item } => item_lines(contact, item),
        ChatOutput::ItemDeleted {
            contact,
            item,
            by_sender,
        } => deleted(contact, item, *by_sender),
        ChatOutput::ItemDisappeared { .. } | ChatOutput::ItemStatus { .. } => Vec::new(),
        ChatOutput::Reaction {
            contact,
            item,
            sent,
            added,
            emoji,
        } => reaction(contact, item, *sent, *added, emoji),
        ChatOutput::Disappearing {
            contact,
            by_user,
            user_allows,
            contact_allows,
            ttl,
        } => disappearing(contact, *by_user, *user_allows, *contact_allows, *ttl),
        ChatOutput::History(items) => items
            .iter()
            .flat_map(|(c, it)| history_lines(c, it))
            .collect(),
        ChatOutput::Servers(s) => s.clone(),
        ChatOutput::ArchiveExported(p) => vec![format!("database archive exported to {p}")],
        ChatOutput::Help => lines(HELP),
        ChatOutput::Version => vec![format!(
            "SimpleX Chat (Rust) v{}",
            env!("CARGO_PKG_VERSION")
        )],
        ChatOutput::Error(e) => vec![e.clone()],
        ChatOutput::ForUser { user, output } => render(output, qr)
            .into_iter()
            .map(|l| format!("[user: {user}] {l}"))
            .collect(),
        ChatOutput::Quit => Vec::new(),
        ChatOutput::Group(g) => crate::groups_view::render(g),
        ChatOutput::File(f) => crate::files_view::render(f),
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_owned).collect()
}

fn with_full(name: &str, full: &str) -> String {
    if full.is_empty() {
        name.to_owned()
    } else {
        format!("{name} ({full})")
    }
}

fn user_name(u: &User) -> String {
    with_full(&u.display_name, &u.full_name)
}

fn user_line(u: &User) -> String {
    let active = if u.active { " (active)" } else { "" };
    format!("{}{active}", user_name(u))
}

fn contact_line(c: &Contact) -> String {
    let mut s = with_full(&c.local_name, &c.profile.full_name);
    if !c.ready {
        s.push_str(" (connecting)");
    }
    if let Some(p) = &c.incognito {
        s.push_str(&format!(" (incognito: {})", p.display_name));
    }
    s
}

fn qr_lines(link: &str) -> Vec<String> {
    match QrCode::new(link.as_bytes()) {
        Ok(code) => lines(&code.render::<Dense1x2>().quiet_zone(true).build()),
        Err(_) => vec!["(the link is too long for a QR code)".to_owned()],
    }
}

fn invitation(link: &str, short: Option<&str>, incognito: Option<&str>, qr: bool) -> Vec<String> {
    let shown = short.unwrap_or(link);
    let mut v = vec![
        "pass this invitation link to your contact (via another channel):".to_owned(),
        String::new(),
        shown.to_owned(),
        String::new(),
    ];
    if qr {
        v.extend(qr_lines(shown));
    }
    v.push("and ask them to connect: /c <invitation_link_above>".to_owned());
    if short.is_some() {
        v.push(String::new());
        v.push("The invitation link for old clients:".to_owned());
        v.push(link.to_owned());
    }
    if let Some(p) = incognito {
        v.push(format!("your incognito profile for this connection is {p}"));
    }
    v
}

fn connection_sent(via_address: bool, incognito: Option<&str>) -> Vec<String> {
    // the reference's texts: joining an invitation sends a confirmation, joining an
    // address sends a connection request
    let what = if via_address {
        "connection request sent"
    } else {
        "confirmation sent"
    };
    match incognito {
        None => vec![format!("{what}!")],
        Some(p) => vec![
            format!("{what} incognito!"),
            format!("your incognito profile for this contact is {p}"),
        ],
    }
}

fn address(created: bool, link: &str, short: Option<&str>, qr: bool) -> Vec<String> {
    let shown = short.unwrap_or(link);
    let mut v = vec![
        if created {
            "Your new chat address is created!".to_owned()
        } else {
            "Your chat address:".to_owned()
        },
        String::new(),
        shown.to_owned(),
        String::new(),
    ];
    if qr {
        v.extend(qr_lines(shown));
    }
    v.push("Anyone can send you contact requests with: /c <contact_link_above>".to_owned());
    v.push("to show it again: /sa".to_owned());
    v.push("to delete it: /da (accepted contacts will remain connected)".to_owned());
    v
}

fn contact_connected(c: &Contact) -> Vec<String> {
    let who = with_full(&c.local_name, &c.profile.full_name);
    match &c.incognito {
        None => vec![format!("{who}: contact is connected")],
        Some(p) => vec![format!(
            "{who}: contact is connected, your incognito profile for this contact is {}",
            p.display_name
        )],
    }
}

/// `@bob text` for sent, `bob> text` for received.
fn prefix(contact: &str, item: &ChatItem) -> String {
    if item.sent {
        format!("@{contact}")
    } else {
        format!("{contact}>")
    }
}

fn item_lines(contact: &str, item: &ChatItem) -> Vec<String> {
    let p = prefix(contact, item);
    let edited = if item.edited { "[edited] " } else { "" };
    let deleted = if item.deleted {
        "[marked deleted] "
    } else {
        ""
    };
    // as the reference's `ttyMsgContent`: voice messages and reports get their prefix
    let text = item.content.display_text();
    let file = item.file.as_ref();
    let mut v = match item_text_lines(file, text, item.quote.is_some()) {
        None => Vec::new(),
        Some(text) => msg_lines(&p, deleted, edited, item, &text),
    };
    match file {
        Some(f) if item.sent => v.extend(crate::files_view::sent_file_lines(
            &format!("@{contact}"),
            f,
        )),
        Some(f) => v.extend(received_lines(&format!("{contact}> "), f)),
        None => {}
    }
    v
}

/// The message text shown with an item, as the reference's `viewChatItem`: none for a
/// file without text or quote, the file name for a quoting file without text.
pub(crate) fn item_text_lines(
    file: Option<&FileRecord>,
    text: String,
    quoted: bool,
) -> Option<String> {
    match (file, text.is_empty(), quoted) {
        (Some(_), true, false) => None,
        (Some(f), true, true) => Some(f.file_name.clone()),
        _ => Some(text),
    }
}

/// A received file's lines, the first after the sender's prefix.
pub(crate) fn received_lines(prefix: &str, f: &FileRecord) -> Vec<String> {
    let mut v = crate::files_view::received_file_lines(f);
    if let Some(first) = v.first_mut() {
        first.insert_str(0, prefix);
    }
    v
}

fn msg_lines(p: &str, deleted: &str, edited: &str, item: &ChatItem, text: &str) -> Vec<String> {
    match &item.quote {
        None => vec![format!("{p} {deleted}{edited}{text}")],
        Some((q, quote_sent)) => {
            // as the reference: `bob> [edited] > quoted` then the text indented
            let marker = if *quote_sent == item.sent { ">>" } else { ">" };
            vec![
                format!("{p} {deleted}{edited}{marker} {q}"),
                format!("      {text}"),
            ]
        }
    }
}

fn history_lines(contact: &str, item: &ChatItem) -> Vec<String> {
    let mut v = item_lines(contact, item);
    if let Some(last) = v.last_mut() {
        match item.status {
            ItemStatus::SndSent => last.push_str(" \u{2713}"),
            ItemStatus::SndRcvd => last.push_str(" \u{2713}\u{2713}"),
            ItemStatus::SndNew | ItemStatus::Rcv => {}
        }
    }
    let reactions: Vec<&str> = item.reactions.iter().map(|(_, e)| e.as_str()).collect();
    if !reactions.is_empty() {
        v.push(format!("      {}", reactions.join(" ")));
    }
    v
}

fn deleted(contact: &str, item: &ChatItem, by_sender: bool) -> Vec<String> {
    if item.sent {
        vec![if by_sender {
            "message marked deleted".to_owned()
        } else {
            "message deleted".to_owned()
        }]
    } else if by_sender {
        vec![format!("{contact}> [marked deleted] {}", item.text)]
    } else {
        vec!["message deleted".to_owned()]
    }
}

fn reaction(contact: &str, item: &ChatItem, sent: bool, added: bool, emoji: &str) -> Vec<String> {
    let sign = if added { "+" } else { "-" };
    if sent {
        vec![format!(
            "{} {emoji}",
            if added { "added" } else { "removed" }
        )]
    } else {
        let author = if item.sent { "you" } else { contact };
        vec![
            format!("{contact}> > {author} {}", item.text),
            format!("    {sign} {emoji}"),
        ]
    }
}

fn allows(on: bool, ttl: Option<i64>) -> String {
    match (on, ttl) {
        (true, Some(t)) => format!("yes ({t} sec)"),
        (true, None) => "yes".to_owned(),
        (false, _) => "no".to_owned(),
    }
}

fn disappearing(
    contact: &str,
    by_user: bool,
    user: bool,
    peer: bool,
    ttl: Option<i64>,
) -> Vec<String> {
    let head = if by_user {
        format!("you updated preferences for {contact}:")
    } else {
        format!("{contact} updated preferences for you:")
    };
    let state = if user && peer { "enabled" } else { "off" };
    vec![
        head,
        format!(
            "Disappearing messages: {state} (you allow: {}, contact allows: {})",
            allows(user, ttl),
            allows(peer, ttl)
        ),
    ]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn item(sent: bool, text: &str, quote: Option<(&str, bool)>) -> ChatItem {
        ChatItem {
            item_id: 1,
            contact_id: 1,
            sent,
            shared_msg_id: None,
            text: text.to_owned(),
            content: chat_proto::content::MsgContent::text(text),
            file_id: None,
            file: None,
            quote: quote.map(|(t, s)| (t.to_owned(), s)),
            edited: false,
            deleted: false,
            status: if sent {
                ItemStatus::SndNew
            } else {
                ItemStatus::Rcv
            },
            timed_ttl: None,
            delete_at: None,
            reactions: Vec::new(),
            created_at: 0,
            updated_at: 0,
        }
    }

    // Expected texts from the reference's tests/ChatTests/Direct.hs (testDirectMessageDelete).
    #[test]
    fn item_texts_as_the_reference() {
        let out = |c: &str, it: ChatItem| {
            render(
                &ChatOutput::NewItem {
                    contact: c.into(),
                    item: it,
                },
                false,
            )
        };
        assert_eq!(out("alice", item(false, "hello", None)), ["alice> hello"]);
        assert_eq!(out("bob", item(true, "hello", None)), ["@bob hello"]);
        assert_eq!(
            out("alice", item(true, "hey alic", Some(("hello 🙂", false)))),
            ["@alice > hello 🙂", "      hey alic"]
        );
        let mut edited = item(false, "hey alice", Some(("hello 🙂", true)));
        edited.edited = true;
        assert_eq!(
            out("bob", edited),
            ["bob> [edited] > hello 🙂", "      hey alice"]
        );
        let mut del = item(false, "hey alice", None);
        del.deleted = true;
        assert_eq!(
            render(
                &ChatOutput::ItemDeleted {
                    contact: "bob".into(),
                    item: del.clone(),
                    by_sender: true
                },
                false
            ),
            ["bob> [marked deleted] hey alice"]
        );
        del.sent = true;
        assert_eq!(
            render(
                &ChatOutput::ItemDeleted {
                    contact: "bob".into(),
                    item: del,
                    by_sender: true
                },
                false
            ),
            ["message marked deleted"]
        );
        let sent = |a| {
            render(
                &ChatOutput::ConnectionSent {
                    via_address: a,
                    incognito: None,
                },
                false,
            )
        };
        assert_eq!(sent(false), ["confirmation sent!"]);
        assert_eq!(sent(true), ["connection request sent!"]);
    }

    #[test]
    fn qr_code_is_drawn_for_links() {
        let out = ChatOutput::Invitation {
            link: "simplex:/invitation#/?v=2".into(),
            short_link: None,
            incognito: None,
        };
        let with = render(&out, true);
        let without = render(&out, false);
        assert!(with.len() > without.len() + 10);
        assert!(
            with.iter().any(|l| l.contains('\u{2588}')
                || l.contains('\u{2580}')
                || l.contains('\u{2584}'))
        );
    }
}
