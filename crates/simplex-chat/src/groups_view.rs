//! Terminal text of [`GroupOutput`]s, after the reference's `View.hs` group texts.

use chat_proto::role::GroupMemberRole;

use crate::groups_output::GroupOutput;
use crate::store::{GroupDeletion, GroupItem, GroupLink, Member, MemberCategory, MemberStatus};

fn who(name: &Option<String>) -> &str {
    name.as_deref().unwrap_or("you")
}

fn item_line(group: &str, it: &GroupItem) -> Vec<String> {
    let head = match &it.member {
        Some(m) => format!("#{group} {m}> "),
        None => format!("#{group} "),
    };
    let head = match &it.deleted {
        None => head,
        Some(GroupDeletion::BySender) => format!("{head}[marked deleted] "),
        Some(GroupDeletion::Moderated(by)) => {
            format!("{head}[marked deleted by {}] ", who(by))
        }
    };
    let head = if it.edited {
        format!("{head}[edited] ")
    } else {
        head
    };
    // as the reference's `ttyMsgContent`: voice messages and reports get their prefix
    let text = it.content.display_text();
    let file = it.file.as_ref();
    let mut v = Vec::new();
    match crate::view::item_text_lines(file, text, it.quote.is_some()) {
        None => {}
        Some(text) => {
            if let Some(q) = &it.quote {
                // as the reference: `bob> > alice quoted` (`?` for an unknown author),
                // then the text indented by six
                v.push(format!(
                    "{head}> {} {}",
                    q.author.shown_name(),
                    preview(&q.text)
                ));
                v.push(format!("      {text}"));
            } else {
                v.push(format!("{head}{text}"));
            }
        }
    }
    match (file, &it.member) {
        (Some(f), None) => v.extend(crate::files_view::sent_file_lines(&format!("#{group}"), f)),
        (Some(f), Some(m)) => v.extend(crate::view::received_lines(&format!("#{group} {m}> "), f)),
        (None, _) => {}
    }
    v
}

/// A quoted text as the reference previews it: at most 120 characters, then `...`.
fn preview(text: &str) -> String {
    const MAX: usize = 120;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

fn member_line(m: &Member) -> String {
    let full = if m.profile.full_name.is_empty() {
        String::new()
    } else {
        format!(" ({})", m.profile.full_name)
    };
    let cat = match m.category {
        MemberCategory::Host => "host, ",
        MemberCategory::Invitee => "invited by you, ",
        MemberCategory::Pre | MemberCategory::Post | MemberCategory::User => "",
    };
    let status = match m.status {
        MemberStatus::Invited => "invited",
        MemberStatus::Accepted => "accepted",
        MemberStatus::Connecting => "connecting",
        MemberStatus::Connected => "connected",
        MemberStatus::Removed => "removed",
        MemberStatus::Left => "left",
    };
    format!("{}{full}: {}, {cat}{status}", m.name(), m.role.as_str())
}

fn role_change(
    group: &str,
    by: &Option<String>,
    member: &Option<String>,
    r: (&GroupMemberRole, &GroupMemberRole),
) -> String {
    let whose = match member {
        Some(m) => format!("the role of {m}"),
        None => "your role".to_owned(),
    };
    let verb = match by {
        Some(b) => format!("{b} changed"),
        None => "you changed".to_owned(),
    };
    format!(
        "#{group}: {verb} {whose} from {} to {}",
        r.0.as_str(),
        r.1.as_str()
    )
}

/// A deleted message: the user's own deletions as a confirmation, others as the
/// message with its mark.
fn deleted(group: &str, item: &GroupItem, author: &str, local: bool) -> Vec<String> {
    match (&item.deleted, local) {
        (_, true) | (None, _) => vec!["message deleted".to_owned()],
        (Some(GroupDeletion::Moderated(None)), false) => {
            vec!["message marked deleted by you".to_owned()]
        }
        (Some(GroupDeletion::BySender), false) if item.sent() => {
            vec!["message marked deleted".to_owned()]
        }
        (Some(GroupDeletion::Moderated(Some(by))), false) => vec![format!(
            "#{group} {author}> [marked deleted by {by}] {}",
            item.text
        )],
        (Some(GroupDeletion::BySender), false) => {
            vec![format!("#{group} {author}> [marked deleted] {}", item.text)]
        }
    }
}

/// A reaction: the user's as a confirmation, a member's with the message it is on.
fn reaction(
    group: &str,
    item: &GroupItem,
    author: &str,
    by: Option<&str>,
    added: bool,
    emoji: &str,
) -> Vec<String> {
    let sign = if added { "+" } else { "-" };
    match by {
        None => vec![format!(
            "{} {emoji}",
            if added { "added" } else { "removed" }
        )],
        Some(by) => vec![
            format!("#{group} {by}> > {author} {}", item.text),
            format!("    {sign} {emoji}"),
        ],
    }
}

/// Renders a group output as lines of text.
pub fn render(out: &GroupOutput) -> Vec<String> {
    use GroupOutput as O;
    match out {
        O::Created(g) => vec![
            format!("group #{} is created", g.local_name),
            format!(
                "to add members use /a {0} <name> or /create link #{0}",
                g.local_name
            ),
        ],
        O::InvitationSent {
            group,
            contact,
            role,
        } => vec![format!(
            "invitation to join the group #{group} sent to {contact} as {}",
            role.as_str()
        )],
        O::Invited { group, from } => vec![
            format!(
                "#{}: {from} invites you to join the group as {}",
                group.local_name,
                group.role.as_str()
            ),
            format!("use /j {} to accept", group.local_name),
        ],
        O::Joining(g) => vec![format!("#{g}: joining the group...")],
        O::Joined(g) => vec![format!("#{g}: you joined the group")],
        O::MemberJoined { group, member } => vec![format!("#{group}: {member} joined the group")],
        O::MemberAnnounced { group, by, member } => vec![format!(
            "#{group}: {by} added {member} to the group (connecting...)"
        )],
        O::MemberConnected { group, member } => {
            vec![format!("#{group}: new member {member} is connected")]
        }
        O::NewItem { group, item } | O::ItemUpdated { group, item } => item_line(group, item),
        O::ItemDeleted {
            group,
            item,
            author,
            local,
        } => deleted(group, item, author, *local),
        O::Reaction {
            group,
            item,
            author,
            by,
            added,
            emoji,
        } => reaction(group, item, author, by.as_deref(), *added, emoji),
        O::ItemStatus { .. } => Vec::new(),
        O::Removed { group, by, member } => {
            let mut v = vec![format!(
                "#{group}: {} removed {} from the group",
                who(by),
                who(member)
            )];
            if member.is_none() {
                v.push(format!("use /d #{group} to delete the group"));
            }
            v
        }
        O::Left { group, member } => vec![format!("#{group}: {} left the group", who(member))],
        O::Deleted { group, by } => {
            let mut v = vec![format!("#{group}: {} deleted the group", who(by))];
            if by.is_some() {
                v.push(format!(
                    "use /d #{group} to delete the local copy of the group"
                ));
            }
            v
        }
        O::RoleChanged {
            group,
            by,
            member,
            from,
            to,
        } => vec![role_change(group, by, member, (from, to))],
        O::ProfileUpdated { group, by, profile } => {
            let mut v = vec![format!("#{group}: {} updated group profile", who(by))];
            if profile.display_name != *group {
                v.push(format!("changed to #{}", profile.display_name));
            }
            if !profile.full_name.is_empty() {
                v.push(format!("full name: {}", profile.full_name));
            }
            v
        }
        O::Members { group, members } => {
            let mut v = vec![format!(
                "{}: you, {}, member",
                group.local_name,
                group.role.as_str()
            )];
            v.extend(members.iter().map(member_line));
            v
        }
        O::History { group, items } => items.iter().flat_map(|it| item_line(group, it)).collect(),
        O::Link {
            group,
            link,
            created,
        } => group_link(group, link, *created),
        O::LinkDeleted(group) => vec![
            "Group link is deleted - joined members will remain connected.".to_owned(),
            format!("To create a new group link use /create link #{group}"),
        ],
        O::LinkRequestAccepting {
            group,
            member,
            full_name,
        } => {
            let who = if full_name.is_empty() {
                member.clone()
            } else {
                format!("{member} ({full_name})")
            };
            vec![format!(
                "{who}: accepting request to join group #{group}..."
            )]
        }
        O::LinkJoining(group) => vec![format!("#{group}: joining the group...")],
    }
}

/// A group link as the reference's `groupLink_` shows it (the short link when there is
/// one).
fn group_link(group: &str, link: &GroupLink, created: bool) -> Vec<String> {
    vec![
        if created {
            "Group link is created!".to_owned()
        } else {
            "Group link:".to_owned()
        },
        String::new(),
        link.short_link.clone().unwrap_or_else(|| link.link.clone()),
        String::new(),
        format!(
            "Anybody can connect to you and join group as {} with: /c <group_link_above>",
            link.role.as_str()
        ),
        format!("to show it again: /show link #{group}"),
        format!(
            "to delete it: /delete link #{group} (joined members will remain connected to you)"
        ),
    ]
}
