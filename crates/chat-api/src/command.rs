//! The documented bot commands, rendered in the reference's text syntax, and the
//! `/_send … json` payload.
//!
//! Parsing the text syntax is the engine's job; this module renders commands (for
//! clients and tests) and reads the JSON part of `/_send`.

use crate::address::AddressSettings;
use crate::common::CreatedConnLink;
use crate::error::ChatApiError;
use crate::file::CryptoFile;
use chat_proto::container::MsgReaction;
use chat_proto::content::MsgContent;
use chat_proto::prefs::Preferences;
use chat_proto::profile::{GroupProfile, Profile};
use chat_proto::role::GroupMemberRole;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A chat named in a command: `@<contactId>`, `#<groupId>` or `*<noteFolderId>`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChatRef {
    /// A direct chat.
    Direct(i64),
    /// A group.
    Group(i64),
    /// The notes folder.
    Local(i64),
}

impl std::fmt::Display for ChatRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChatRef::Direct(id) => write!(f, "@{id}"),
            ChatRef::Group(id) => write!(f, "#{id}"),
            ChatRef::Local(id) => write!(f, "*{id}"),
        }
    }
}

/// One message of a `/_send` command (`ComposedMessage`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComposedMessage {
    /// A local file to send with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_source: Option<CryptoFile>,
    /// The item it replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_item_id: Option<i64>,
    /// The content.
    pub msg_content: MsgContent,
    /// Mentions: display name to group member id.
    #[serde(default)]
    pub mentions: BTreeMap<String, i64>,
}

impl ComposedMessage {
    /// A plain text message.
    pub fn text(text: &str) -> Self {
        ComposedMessage {
            file_source: None,
            quoted_item_id: None,
            msg_content: MsgContent::text(text),
            mentions: BTreeMap::new(),
        }
    }
}

/// The new content of an edited item (`UpdatedMessage`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatedMessage {
    /// The content.
    pub msg_content: MsgContent,
    /// Mentions: display name to group member id.
    #[serde(default)]
    pub mentions: BTreeMap<String, i64>,
}

/// Reads the JSON part of `/_send <chat> [live=on] [ttl=N] json <json>`: a list of
/// composed messages (a single object is taken as a list of one). The list must not
/// be empty and nothing may follow the JSON.
pub fn parse_composed_messages(json: &str) -> Result<Vec<ComposedMessage>, ChatApiError> {
    let value: serde_json::Value = serde_json::from_str(json.trim())?;
    let messages = match value {
        serde_json::Value::Array(_) => serde_json::from_value::<Vec<ComposedMessage>>(value)?,
        serde_json::Value::Object(_) => vec![serde_json::from_value(value)?],
        _ => return Err(ChatApiError::BadSend("expected a JSON list of messages")),
    };
    if messages.is_empty() {
        return Err(ChatApiError::BadSend("no messages"));
    }
    Ok(messages)
}

/// How an item is deleted, in `/_delete item` (`CIDeleteMode`).
pub use crate::item_content::CIDeleteMode;

/// Which chats `/_get chats` lists (`ChatListQuery`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ChatListQuery {
    /// Filtered by flags (both off: all chats).
    Filters {
        /// Only favorites.
        #[serde(default)]
        favorite: bool,
        /// Only unread.
        #[serde(default)]
        unread: bool,
    },
    /// Matching a text.
    Search {
        /// The text.
        search: String,
    },
}

/// How a chat is deleted, in `/_delete` (`ChatDeleteMode`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChatDeleteMode {
    /// The contact and its chat; `notify` tells the contact.
    Full {
        /// Tell the contact.
        notify: bool,
    },
    /// The contact, keeping the chat.
    Entity {
        /// Tell the contact.
        notify: bool,
    },
    /// Only the messages.
    Messages,
}

/// A documented bot command.
#[derive(Clone, PartialEq, Debug)]
pub enum ApiCommand {
    /// `/_address <userId>`: create the user's address.
    CreateMyAddress {
        /// The user.
        user_id: i64,
    },
    /// `/_delete_address <userId>`.
    DeleteMyAddress {
        /// The user.
        user_id: i64,
    },
    /// `/_show_address <userId>`.
    ShowMyAddress {
        /// The user.
        user_id: i64,
    },
    /// `/_profile_address <userId> on|off`: put the address in the profile.
    SetProfileAddress {
        /// The user.
        user_id: i64,
        /// On or off.
        enable: bool,
    },
    /// `/_address_settings <userId> <json>`.
    SetAddressSettings {
        /// The user.
        user_id: i64,
        /// The settings.
        settings: AddressSettings,
    },
    /// `/_auto_accept <userId> on|off[ incognito=on][ json <msgContent>]`, the older form
    /// of auto-accept that earlier bots use.
    AddressAutoAccept {
        /// The user.
        user_id: i64,
        /// On or off.
        enable: bool,
        /// Accept with incognito profiles.
        incognito: bool,
        /// The auto-reply.
        auto_reply: Option<MsgContent>,
    },
    /// `/_send <chat>[ live=on][ ttl=<ttl>][ sign=on] json <messages>`.
    SendMessages {
        /// The chat.
        chat: ChatRef,
        /// A live message.
        live: bool,
        /// Disappearing after this many seconds.
        ttl: Option<i64>,
        /// Sign the messages (channels).
        sign: bool,
        /// The messages.
        messages: Vec<ComposedMessage>,
    },
    /// `/_update item <chat> <itemId>[ live=on] json <message>`.
    UpdateChatItem {
        /// The chat.
        chat: ChatRef,
        /// The item.
        item_id: i64,
        /// A live message.
        live: bool,
        /// The new content.
        message: UpdatedMessage,
    },
    /// `/_delete item <chat> <ids> <mode>`.
    DeleteChatItem {
        /// The chat.
        chat: ChatRef,
        /// The items.
        item_ids: Vec<i64>,
        /// How.
        mode: CIDeleteMode,
    },
    /// `/_delete member item #<groupId> <ids>`: moderate members' items.
    DeleteMemberChatItem {
        /// The group.
        group_id: i64,
        /// The items.
        item_ids: Vec<i64>,
    },
    /// `/_reaction <chat> <itemId> on|off <json>`.
    ChatItemReaction {
        /// The chat.
        chat: ChatRef,
        /// The item.
        item_id: i64,
        /// Set or remove.
        add: bool,
        /// The reaction.
        reaction: MsgReaction,
    },
    /// `/freceive <fileId>[ approved_relays=on][ encrypt=on|off][ inline=on|off][ <path>]`.
    ReceiveFile {
        /// The file.
        file_id: i64,
        /// Unknown relays are approved.
        approved_relays: bool,
        /// Store encrypted.
        store_encrypted: Option<bool>,
        /// Receive inline.
        file_inline: Option<bool>,
        /// Where to save.
        file_path: Option<String>,
    },
    /// `/fcancel <fileId>`.
    CancelFile {
        /// The file.
        file_id: i64,
    },
    /// `/_add #<groupId> <contactId> <role>`.
    AddMember {
        /// The group.
        group_id: i64,
        /// The contact.
        contact_id: i64,
        /// The role.
        role: GroupMemberRole,
    },
    /// `/_join #<groupId>`.
    JoinGroup {
        /// The group.
        group_id: i64,
    },
    /// `/_accept member #<groupId> <memberId> <role>`.
    AcceptMember {
        /// The group.
        group_id: i64,
        /// The member.
        group_member_id: i64,
        /// The role.
        role: GroupMemberRole,
    },
    /// `/_member role #<groupId> <ids> <role>`.
    MembersRole {
        /// The group.
        group_id: i64,
        /// The members.
        group_member_ids: Vec<i64>,
        /// The role.
        role: GroupMemberRole,
    },
    /// `/_block #<groupId> <ids> blocked=on|off`.
    BlockMembersForAll {
        /// The group.
        group_id: i64,
        /// The members.
        group_member_ids: Vec<i64>,
        /// Block or unblock.
        blocked: bool,
    },
    /// `/_remove #<groupId> <ids>[ messages=on]`.
    RemoveMembers {
        /// The group.
        group_id: i64,
        /// The members.
        group_member_ids: Vec<i64>,
        /// Remove their messages too.
        with_messages: bool,
    },
    /// `/_leave #<groupId>`.
    LeaveGroup {
        /// The group.
        group_id: i64,
    },
    /// `/_members #<groupId>`.
    ListMembers {
        /// The group.
        group_id: i64,
    },
    /// `/_group <userId>[ incognito=on] <json>`.
    NewGroup {
        /// The user.
        user_id: i64,
        /// Join incognito.
        incognito: bool,
        /// The profile.
        group_profile: GroupProfile,
    },
    /// `/_group_profile #<groupId> <json>`.
    UpdateGroupProfile {
        /// The group.
        group_id: i64,
        /// The profile.
        group_profile: GroupProfile,
    },
    /// `/_create link #<groupId> <role>`.
    CreateGroupLink {
        /// The group.
        group_id: i64,
        /// The role of joining members.
        member_role: GroupMemberRole,
    },
    /// `/_set link role #<groupId> <role>`.
    GroupLinkMemberRole {
        /// The group.
        group_id: i64,
        /// The role of joining members.
        member_role: GroupMemberRole,
    },
    /// `/_delete link #<groupId>`.
    DeleteGroupLink {
        /// The group.
        group_id: i64,
    },
    /// `/_get link #<groupId>`.
    GetGroupLink {
        /// The group.
        group_id: i64,
    },
    /// `/_connect <userId>[ incognito=on]`: create a one-time invitation.
    AddContact {
        /// The user.
        user_id: i64,
        /// Connect incognito.
        incognito: bool,
    },
    /// `/_connect <userId>[ <fullLink>[ <shortLink>]]`: connect via a prepared link.
    Connect {
        /// The user.
        user_id: i64,
        /// The link, as `/_connect plan` returned it.
        prepared_link: Option<CreatedConnLink>,
    },
    /// `/connect[ <link>]`: connect via a link (or SimpleX name) as text, as the
    /// active user.
    ConnectText {
        /// The link.
        link: Option<String>,
    },
    /// `/_accept <contactReqId>`.
    AcceptContact {
        /// The request.
        contact_req_id: i64,
    },
    /// `/_reject <contactReqId>`.
    RejectContact {
        /// The request.
        contact_req_id: i64,
    },
    /// `/_contacts <userId>`.
    ListContacts {
        /// The user.
        user_id: i64,
    },
    /// `/_groups <userId>[ @<contactId>][ <search>]`.
    ListGroups {
        /// The user.
        user_id: i64,
        /// Only groups shared with this contact.
        contact_id: Option<i64>,
        /// Only groups matching this text.
        search: Option<String>,
    },
    /// `/_get chats <userId>[ pcc=on] count=<n> <json(query)>`.
    GetChats {
        /// The user.
        user_id: i64,
        /// Include pending connections.
        pending_connections: bool,
        /// How many of the latest chats.
        count: i64,
        /// Which chats.
        query: ChatListQuery,
    },
    /// `/_delete <chat> <mode>`.
    DeleteChat {
        /// The chat.
        chat: ChatRef,
        /// How.
        mode: ChatDeleteMode,
    },
    /// `/_set custom <chat>[ <json>]`: attach (or clear) a bot's data to a contact or group.
    SetCustomData {
        /// The chat (`@` or `#`).
        chat: ChatRef,
        /// The data.
        custom_data: Option<serde_json::Map<String, serde_json::Value>>,
    },
    /// `/_set accept member contacts <userId> on|off`.
    SetUserAutoAcceptMemberContacts {
        /// The user.
        user_id: i64,
        /// On or off.
        enable: bool,
    },
    /// `/user`.
    ShowActiveUser,
    /// `/users`.
    ListUsers,
    /// `/_user <userId>`.
    SetActiveUser {
        /// The user.
        user_id: i64,
    },
    /// `/_delete user <userId> del_smp=on|off`.
    DeleteUser {
        /// The user.
        user_id: i64,
        /// Delete the queues on the relays.
        del_smp_queues: bool,
    },
    /// `/_profile <userId> <json>`.
    UpdateProfile {
        /// The user.
        user_id: i64,
        /// The profile.
        profile: Profile,
    },
    /// `/_set prefs @<contactId> <json>`.
    SetContactPrefs {
        /// The contact.
        contact_id: i64,
        /// The preferences.
        preferences: Preferences,
    },
    /// `/_start`.
    StartChat,
    /// `/_stop`.
    StopChat,
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn ids(list: &[i64]) -> String {
    let parts: Vec<String> = list.iter().map(i64::to_string).collect();
    parts.join(",")
}

fn json<T: Serialize>(v: &T) -> String {
    // Serializing these plain data types to a string cannot fail (no maps with
    // non-string keys, no custom serializers that error).
    serde_json::to_string(v).unwrap_or_default()
}

impl ApiCommand {
    /// The command as the reference's text syntax.
    pub fn to_command_string(&self) -> String {
        use ApiCommand as C;
        let mut s = String::new();
        // `write!` to a String cannot fail.
        let _ = match self {
            C::CreateMyAddress { user_id } => write!(s, "/_address {user_id}"),
            C::DeleteMyAddress { user_id } => write!(s, "/_delete_address {user_id}"),
            C::ShowMyAddress { user_id } => write!(s, "/_show_address {user_id}"),
            C::SetProfileAddress { user_id, enable } => {
                write!(s, "/_profile_address {user_id} {}", on_off(*enable))
            }
            C::SetAddressSettings { user_id, settings } => {
                write!(s, "/_address_settings {user_id} {}", json(settings))
            }
            C::AddressAutoAccept {
                user_id,
                enable,
                incognito,
                auto_reply,
            } => {
                let _ = write!(s, "/_auto_accept {user_id} {}", on_off(*enable));
                if *enable && *incognito {
                    s.push_str(" incognito=on");
                }
                match auto_reply {
                    Some(mc) if *enable => write!(s, " json {}", json(mc)),
                    _ => Ok(()),
                }
            }
            C::SendMessages {
                chat,
                live,
                ttl,
                sign,
                messages,
            } => {
                let _ = write!(s, "/_send {chat}");
                if *live {
                    s.push_str(" live=on");
                }
                if let Some(ttl) = ttl {
                    let _ = write!(s, " ttl={ttl}");
                }
                if *sign {
                    s.push_str(" sign=on");
                }
                write!(s, " json {}", json(messages))
            }
            C::UpdateChatItem {
                chat,
                item_id,
                live,
                message,
            } => {
                let _ = write!(s, "/_update item {chat} {item_id}");
                if *live {
                    s.push_str(" live=on");
                }
                write!(s, " json {}", json(message))
            }
            C::DeleteChatItem {
                chat,
                item_ids,
                mode,
            } => {
                let mode = json(mode);
                write!(
                    s,
                    "/_delete item {chat} {} {}",
                    ids(item_ids),
                    mode.trim_matches('"')
                )
            }
            C::DeleteMemberChatItem { group_id, item_ids } => {
                write!(s, "/_delete member item #{group_id} {}", ids(item_ids))
            }
            C::ChatItemReaction {
                chat,
                item_id,
                add,
                reaction,
            } => write!(
                s,
                "/_reaction {chat} {item_id} {} {}",
                on_off(*add),
                json(reaction)
            ),
            C::ReceiveFile {
                file_id,
                approved_relays,
                store_encrypted,
                file_inline,
                file_path,
            } => {
                let _ = write!(s, "/freceive {file_id}");
                if *approved_relays {
                    s.push_str(" approved_relays=on");
                }
                if let Some(e) = store_encrypted {
                    let _ = write!(s, " encrypt={}", on_off(*e));
                }
                if let Some(i) = file_inline {
                    let _ = write!(s, " inline={}", on_off(*i));
                }
                match file_path {
                    Some(p) => write!(s, " {p}"),
                    None => Ok(()),
                }
            }
            C::CancelFile { file_id } => write!(s, "/fcancel {file_id}"),
            C::AddMember {
                group_id,
                contact_id,
                role,
            } => write!(s, "/_add #{group_id} {contact_id} {}", role.as_str()),
            C::JoinGroup { group_id } => write!(s, "/_join #{group_id}"),
            C::AcceptMember {
                group_id,
                group_member_id,
                role,
            } => write!(
                s,
                "/_accept member #{group_id} {group_member_id} {}",
                role.as_str()
            ),
            C::MembersRole {
                group_id,
                group_member_ids,
                role,
            } => write!(
                s,
                "/_member role #{group_id} {} {}",
                ids(group_member_ids),
                role.as_str()
            ),
            C::BlockMembersForAll {
                group_id,
                group_member_ids,
                blocked,
            } => write!(
                s,
                "/_block #{group_id} {} blocked={}",
                ids(group_member_ids),
                on_off(*blocked)
            ),
            C::RemoveMembers {
                group_id,
                group_member_ids,
                with_messages,
            } => {
                let _ = write!(s, "/_remove #{group_id} {}", ids(group_member_ids));
                if *with_messages {
                    s.push_str(" messages=on");
                }
                Ok(())
            }
            C::LeaveGroup { group_id } => write!(s, "/_leave #{group_id}"),
            C::ListMembers { group_id } => write!(s, "/_members #{group_id}"),
            C::NewGroup {
                user_id,
                incognito,
                group_profile,
            } => {
                let _ = write!(s, "/_group {user_id}");
                if *incognito {
                    s.push_str(" incognito=on");
                }
                write!(s, " {}", json(group_profile))
            }
            C::UpdateGroupProfile {
                group_id,
                group_profile,
            } => write!(s, "/_group_profile #{group_id} {}", json(group_profile)),
            C::CreateGroupLink {
                group_id,
                member_role,
            } => write!(s, "/_create link #{group_id} {}", member_role.as_str()),
            C::GroupLinkMemberRole {
                group_id,
                member_role,
            } => write!(s, "/_set link role #{group_id} {}", member_role.as_str()),
            C::DeleteGroupLink { group_id } => write!(s, "/_delete link #{group_id}"),
            C::GetGroupLink { group_id } => write!(s, "/_get link #{group_id}"),
            C::AddContact { user_id, incognito } => {
                let _ = write!(s, "/_connect {user_id}");
                if *incognito {
                    s.push_str(" incognito=on");
                }
                Ok(())
            }
            C::Connect {
                user_id,
                prepared_link,
            } => {
                let _ = write!(s, "/_connect {user_id}");
                if let Some(link) = prepared_link {
                    let _ = write!(s, " {}", link.conn_full_link);
                    if let Some(short) = &link.conn_short_link {
                        let _ = write!(s, " {short}");
                    }
                }
                Ok(())
            }
            C::ConnectText { link } => match link {
                Some(l) => write!(s, "/connect {l}"),
                None => write!(s, "/connect"),
            },
            C::AcceptContact { contact_req_id } => write!(s, "/_accept {contact_req_id}"),
            C::RejectContact { contact_req_id } => write!(s, "/_reject {contact_req_id}"),
            C::ListContacts { user_id } => write!(s, "/_contacts {user_id}"),
            C::ListGroups {
                user_id,
                contact_id,
                search,
            } => {
                let _ = write!(s, "/_groups {user_id}");
                if let Some(c) = contact_id {
                    let _ = write!(s, " @{c}");
                }
                match search {
                    Some(t) => write!(s, " {t}"),
                    None => Ok(()),
                }
            }
            C::GetChats {
                user_id,
                pending_connections,
                count,
                query,
            } => {
                let _ = write!(s, "/_get chats {user_id}");
                if *pending_connections {
                    s.push_str(" pcc=on");
                }
                write!(s, " count={count} {}", json(query))
            }
            C::DeleteChat { chat, mode } => {
                let _ = write!(s, "/_delete {chat} ");
                match mode {
                    ChatDeleteMode::Full { notify } => {
                        s.push_str("full");
                        if !notify {
                            s.push_str(" notify=off");
                        }
                    }
                    ChatDeleteMode::Entity { notify } => {
                        s.push_str("entity");
                        if !notify {
                            s.push_str(" notify=off");
                        }
                    }
                    ChatDeleteMode::Messages => s.push_str("messages"),
                }
                Ok(())
            }
            C::SetCustomData { chat, custom_data } => {
                let _ = write!(s, "/_set custom {chat}");
                match custom_data {
                    Some(d) => write!(s, " {}", json(d)),
                    None => Ok(()),
                }
            }
            C::SetUserAutoAcceptMemberContacts { user_id, enable } => write!(
                s,
                "/_set accept member contacts {user_id} {}",
                on_off(*enable)
            ),
            C::ShowActiveUser => write!(s, "/user"),
            C::ListUsers => write!(s, "/users"),
            C::SetActiveUser { user_id } => write!(s, "/_user {user_id}"),
            C::DeleteUser {
                user_id,
                del_smp_queues,
            } => write!(
                s,
                "/_delete user {user_id} del_smp={}",
                on_off(*del_smp_queues)
            ),
            C::UpdateProfile { user_id, profile } => {
                write!(s, "/_profile {user_id} {}", json(profile))
            }
            C::SetContactPrefs {
                contact_id,
                preferences,
            } => write!(s, "/_set prefs @{contact_id} {}", json(preferences)),
            C::StartChat => write!(s, "/_start"),
            C::StopChat => write!(s, "/_stop"),
        };
        s
    }
}
