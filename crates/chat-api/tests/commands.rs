//! Command rendering: literal syntax lines from the reference's `bots/api/COMMANDS.md`,
//! the same commands rendered by `simploxide-api-types`, and the `/_send` payload.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chat_api::address::{AddressSettings, AutoAccept};
use chat_api::command::{
    ApiCommand, ChatDeleteMode, ChatListQuery, ChatRef, ComposedMessage, UpdatedMessage,
    parse_composed_messages,
};
use chat_api::item_content::CIDeleteMode;
use chat_api::{ChatApiError, ChatSrvRequest};
use chat_proto::container::MsgReaction;
use chat_proto::content::MsgContent;
use chat_proto::prefs::Preferences;
use chat_proto::role::GroupMemberRole;
use serde::Serialize;
use serde::de::DeserializeOwned;
use simploxide_api_types as sx;
use simploxide_api_types::utils::CommandSyntax;
use std::collections::BTreeMap;

/// A command split into its text and its trailing JSON (if any), so that renderings
/// that differ only in JSON key order compare equal.
fn normalized(cmd: &str) -> (String, Option<serde_json::Value>) {
    if let Some(at) = cmd.find(['{', '['])
        && let Ok(v) = serde_json::from_str(&cmd[at..])
    {
        return (cmd[..at].to_owned(), Some(v));
    }
    (cmd.to_owned(), None)
}

/// Converts one of our values to simploxide's type of the same JSON.
fn conv<A: Serialize, B: DeserializeOwned>(a: &A) -> B {
    serde_json::from_value(serde_json::to_value(a).unwrap()).unwrap()
}

fn sx_chat_ref(c: &ChatRef) -> sx::ChatRef {
    let (chat_type, chat_id) = match *c {
        ChatRef::Direct(id) => (sx::ChatType::Direct, id),
        ChatRef::Group(id) => (sx::ChatType::Group, id),
        ChatRef::Local(id) => (sx::ChatType::Local, id),
    };
    sx::ChatRef {
        chat_type,
        chat_id,
        chat_scope: None,
        undocumented: Default::default(),
    }
}

fn sx_role(r: &GroupMemberRole) -> sx::GroupMemberRole {
    conv(r)
}

/// The same command rendered by simploxide, where it has it.
fn theirs(cmd: &ApiCommand) -> Option<String> {
    use ApiCommand as C;
    use sx::commands as s;
    let text = match cmd {
        C::CreateMyAddress { user_id } => {
            s::ApiCreateMyAddress { user_id: *user_id }.to_command_string()
        }
        C::DeleteMyAddress { user_id } => {
            s::ApiDeleteMyAddress { user_id: *user_id }.to_command_string()
        }
        C::ShowMyAddress { user_id } => {
            s::ApiShowMyAddress { user_id: *user_id }.to_command_string()
        }
        C::SetProfileAddress { user_id, enable } => s::ApiSetProfileAddress {
            user_id: *user_id,
            enable: *enable,
        }
        .to_command_string(),
        C::SetAddressSettings { user_id, settings } => s::ApiSetAddressSettings {
            user_id: *user_id,
            settings: conv(settings),
        }
        .to_command_string(),
        C::AddressAutoAccept { .. } => return None,
        C::SendMessages {
            chat,
            live,
            ttl,
            sign,
            messages,
        } => s::ApiSendMessages {
            send_ref: sx_chat_ref(chat),
            live_message: *live,
            ttl: ttl.map(|t| i32::try_from(t).unwrap()),
            sign_messages: *sign,
            composed_messages: conv(messages),
        }
        .to_command_string(),
        C::UpdateChatItem {
            chat,
            item_id,
            live,
            message,
        } => s::ApiUpdateChatItem {
            chat_ref: sx_chat_ref(chat),
            chat_item_id: *item_id,
            live_message: *live,
            updated_message: conv(message),
        }
        .to_command_string(),
        C::DeleteChatItem {
            chat,
            item_ids,
            mode,
        } => s::ApiDeleteChatItem {
            chat_ref: sx_chat_ref(chat),
            chat_item_ids: item_ids.clone(),
            delete_mode: conv(mode),
        }
        .to_command_string(),
        C::DeleteMemberChatItem { group_id, item_ids } => s::ApiDeleteMemberChatItem {
            group_id: *group_id,
            chat_item_ids: item_ids.clone(),
        }
        .to_command_string(),
        C::ChatItemReaction {
            chat,
            item_id,
            add,
            reaction,
        } => s::ApiChatItemReaction {
            chat_ref: sx_chat_ref(chat),
            chat_item_id: *item_id,
            add: *add,
            reaction: conv(reaction),
        }
        .to_command_string(),
        C::ReceiveFile {
            file_id,
            approved_relays,
            store_encrypted,
            file_inline,
            file_path,
        } => s::ReceiveFile {
            file_id: *file_id,
            user_approved_relays: *approved_relays,
            store_encrypted: *store_encrypted,
            file_inline: *file_inline,
            file_path: file_path.clone(),
        }
        .to_command_string(),
        C::CancelFile { file_id } => s::CancelFile { file_id: *file_id }.to_command_string(),
        C::AddMember {
            group_id,
            contact_id,
            role,
        } => s::ApiAddMember {
            group_id: *group_id,
            contact_id: *contact_id,
            member_role: sx_role(role),
        }
        .to_command_string(),
        C::JoinGroup { group_id } => s::ApiJoinGroup {
            group_id: *group_id,
        }
        .to_command_string(),
        C::AcceptMember {
            group_id,
            group_member_id,
            role,
        } => s::ApiAcceptMember {
            group_id: *group_id,
            group_member_id: *group_member_id,
            member_role: sx_role(role),
        }
        .to_command_string(),
        C::MembersRole {
            group_id,
            group_member_ids,
            role,
        } => s::ApiMembersRole {
            group_id: *group_id,
            group_member_ids: group_member_ids.clone(),
            member_role: sx_role(role),
        }
        .to_command_string(),
        C::BlockMembersForAll {
            group_id,
            group_member_ids,
            blocked,
        } => s::ApiBlockMembersForAll {
            group_id: *group_id,
            group_member_ids: group_member_ids.clone(),
            blocked: *blocked,
        }
        .to_command_string(),
        C::RemoveMembers {
            group_id,
            group_member_ids,
            with_messages,
        } => s::ApiRemoveMembers {
            group_id: *group_id,
            group_member_ids: group_member_ids.clone(),
            with_messages: *with_messages,
        }
        .to_command_string(),
        C::LeaveGroup { group_id } => s::ApiLeaveGroup {
            group_id: *group_id,
        }
        .to_command_string(),
        C::ListMembers { group_id } => s::ApiListMembers {
            group_id: *group_id,
        }
        .to_command_string(),
        C::NewGroup {
            user_id,
            incognito,
            group_profile,
        } => s::ApiNewGroup {
            user_id: *user_id,
            incognito: *incognito,
            group_profile: conv(group_profile),
        }
        .to_command_string(),
        C::UpdateGroupProfile {
            group_id,
            group_profile,
        } => s::ApiUpdateGroupProfile {
            group_id: *group_id,
            group_profile: conv(group_profile),
        }
        .to_command_string(),
        C::CreateGroupLink {
            group_id,
            member_role,
        } => s::ApiCreateGroupLink {
            group_id: *group_id,
            member_role: sx_role(member_role),
        }
        .to_command_string(),
        C::GroupLinkMemberRole {
            group_id,
            member_role,
        } => s::ApiGroupLinkMemberRole {
            group_id: *group_id,
            member_role: sx_role(member_role),
        }
        .to_command_string(),
        C::DeleteGroupLink { group_id } => s::ApiDeleteGroupLink {
            group_id: *group_id,
        }
        .to_command_string(),
        C::GetGroupLink { group_id } => s::ApiGetGroupLink {
            group_id: *group_id,
        }
        .to_command_string(),
        C::AddContact { user_id, incognito } => s::ApiAddContact {
            user_id: *user_id,
            incognito: *incognito,
        }
        .to_command_string(),
        C::Connect {
            user_id,
            prepared_link,
        } => s::ApiConnect {
            user_id: *user_id,
            incognito: false,
            prepared_link: prepared_link.as_ref().map(conv),
        }
        .to_command_string(),
        C::ConnectText { link } => s::Connect {
            incognito: false,
            conn_target: link.clone(),
        }
        .to_command_string(),
        C::AcceptContact { contact_req_id } => s::ApiAcceptContact {
            contact_req_id: *contact_req_id,
        }
        .to_command_string(),
        C::RejectContact { contact_req_id } => s::ApiRejectContact {
            contact_req_id: *contact_req_id,
        }
        .to_command_string(),
        C::ListContacts { user_id } => s::ApiListContacts { user_id: *user_id }.to_command_string(),
        C::ListGroups {
            user_id,
            contact_id,
            search,
        } => s::ApiListGroups {
            user_id: *user_id,
            contact_id: *contact_id,
            search: search.clone(),
        }
        .to_command_string(),
        C::GetChats {
            user_id,
            pending_connections,
            count,
            query,
        } => s::ApiGetChats {
            user_id: *user_id,
            pending_connections: *pending_connections,
            pagination: sx::PaginationByTime::make_last(i32::try_from(*count).unwrap()),
            query: conv(query),
        }
        .to_command_string(),
        C::DeleteChat { chat, mode } => {
            let chat_delete_mode = match mode {
                ChatDeleteMode::Full { notify } => sx::ChatDeleteMode::make_full(*notify),
                ChatDeleteMode::Entity { notify } => sx::ChatDeleteMode::make_entity(*notify),
                // simploxide renders `messages` as nothing; see `delete_chat_messages_mode`.
                ChatDeleteMode::Messages => return None,
            };
            s::ApiDeleteChat {
                chat_ref: sx_chat_ref(chat),
                chat_delete_mode,
            }
            .to_command_string()
        }
        C::SetCustomData { chat, custom_data } => {
            let custom_data = custom_data
                .as_ref()
                .map(|d| serde_json::Value::Object(d.clone()));
            match *chat {
                ChatRef::Group(group_id) => s::ApiSetGroupCustomData {
                    group_id,
                    custom_data,
                }
                .to_command_string(),
                ChatRef::Direct(contact_id) => s::ApiSetContactCustomData {
                    contact_id,
                    custom_data,
                }
                .to_command_string(),
                ChatRef::Local(_) => return None,
            }
        }
        C::SetUserAutoAcceptMemberContacts { user_id, enable } => {
            s::ApiSetUserAutoAcceptMemberContacts {
                user_id: *user_id,
                on_off: *enable,
            }
            .to_command_string()
        }
        C::ShowActiveUser => s::ShowActiveUser {}.to_command_string(),
        C::ListUsers => s::ListUsers {}.to_command_string(),
        C::SetActiveUser { user_id } => s::ApiSetActiveUser {
            user_id: *user_id,
            view_pwd: None,
        }
        .to_command_string(),
        C::DeleteUser {
            user_id,
            del_smp_queues,
        } => s::ApiDeleteUser {
            user_id: *user_id,
            del_smp_queues: *del_smp_queues,
            view_pwd: None,
        }
        .to_command_string(),
        C::UpdateProfile { user_id, profile } => s::ApiUpdateProfile {
            user_id: *user_id,
            profile: conv(profile),
        }
        .to_command_string(),
        C::SetContactPrefs {
            contact_id,
            preferences,
        } => s::ApiSetContactPrefs {
            contact_id: *contact_id,
            preferences: conv(preferences),
        }
        .to_command_string(),
        C::StartChat => s::StartChat::new().to_command_string(),
        C::StopChat => s::ApiStopChat {}.to_command_string(),
    };
    Some(text)
}

fn hello() -> Vec<ComposedMessage> {
    let mut reply = ComposedMessage::text("hi @alice");
    reply.quoted_item_id = Some(7);
    reply.mentions.insert("alice".into(), 2);
    vec![ComposedMessage::text("hello"), reply]
}

fn all_commands() -> Vec<ApiCommand> {
    use ApiCommand as C;
    let settings = AddressSettings {
        business_address: false,
        auto_accept: Some(AutoAccept {
            accept_incognito: false,
        }),
        auto_reply: Some(MsgContent::text("Hi!")),
    };
    let mut custom = serde_json::Map::new();
    custom.insert("plan".into(), serde_json::Value::from("pro"));
    vec![
        C::CreateMyAddress { user_id: 1 },
        C::DeleteMyAddress { user_id: 1 },
        C::ShowMyAddress { user_id: 1 },
        C::SetProfileAddress {
            user_id: 1,
            enable: true,
        },
        C::SetAddressSettings {
            user_id: 1,
            settings,
        },
        C::AddressAutoAccept {
            user_id: 1,
            enable: true,
            incognito: false,
            auto_reply: None,
        },
        C::SendMessages {
            chat: ChatRef::Direct(2),
            live: false,
            ttl: None,
            sign: false,
            messages: hello(),
        },
        C::SendMessages {
            chat: ChatRef::Group(1),
            live: true,
            ttl: Some(3600),
            sign: true,
            messages: hello(),
        },
        C::UpdateChatItem {
            chat: ChatRef::Direct(2),
            item_id: 9,
            live: false,
            message: UpdatedMessage {
                msg_content: MsgContent::text("edited"),
                mentions: BTreeMap::new(),
            },
        },
        C::DeleteChatItem {
            chat: ChatRef::Group(1),
            item_ids: vec![5, 6],
            mode: CIDeleteMode::InternalMark,
        },
        C::DeleteMemberChatItem {
            group_id: 1,
            item_ids: vec![7],
        },
        C::ChatItemReaction {
            chat: ChatRef::Direct(2),
            item_id: 9,
            add: true,
            reaction: MsgReaction::Emoji('👍'),
        },
        C::ReceiveFile {
            file_id: 4,
            approved_relays: true,
            store_encrypted: Some(false),
            file_inline: Some(true),
            file_path: Some("/tmp/f.pdf".into()),
        },
        C::ReceiveFile {
            file_id: 4,
            approved_relays: false,
            store_encrypted: None,
            file_inline: None,
            file_path: None,
        },
        C::CancelFile { file_id: 4 },
        C::AddMember {
            group_id: 1,
            contact_id: 2,
            role: GroupMemberRole::Member,
        },
        C::JoinGroup { group_id: 1 },
        C::AcceptMember {
            group_id: 1,
            group_member_id: 3,
            role: GroupMemberRole::Observer,
        },
        C::MembersRole {
            group_id: 1,
            group_member_ids: vec![2, 3],
            role: GroupMemberRole::Admin,
        },
        C::BlockMembersForAll {
            group_id: 1,
            group_member_ids: vec![2],
            blocked: false,
        },
        C::RemoveMembers {
            group_id: 1,
            group_member_ids: vec![2, 3],
            with_messages: true,
        },
        C::LeaveGroup { group_id: 1 },
        C::ListMembers { group_id: 1 },
        C::NewGroup {
            user_id: 1,
            incognito: true,
            group_profile: common::group_info(1).group_profile,
        },
        C::UpdateGroupProfile {
            group_id: 1,
            group_profile: common::group_info(1).group_profile,
        },
        C::CreateGroupLink {
            group_id: 1,
            member_role: GroupMemberRole::Member,
        },
        C::GroupLinkMemberRole {
            group_id: 1,
            member_role: GroupMemberRole::Observer,
        },
        C::DeleteGroupLink { group_id: 1 },
        C::GetGroupLink { group_id: 1 },
        C::AddContact {
            user_id: 1,
            incognito: false,
        },
        C::AddContact {
            user_id: 1,
            incognito: true,
        },
        C::Connect {
            user_id: 1,
            prepared_link: Some(common::conn_link()),
        },
        C::Connect {
            user_id: 1,
            prepared_link: None,
        },
        C::ConnectText {
            link: Some("https://simplex.chat/a#x".into()),
        },
        C::AcceptContact { contact_req_id: 7 },
        C::RejectContact { contact_req_id: 7 },
        C::ListContacts { user_id: 1 },
        C::ListGroups {
            user_id: 1,
            contact_id: Some(2),
            search: Some("team".into()),
        },
        C::ListGroups {
            user_id: 1,
            contact_id: None,
            search: None,
        },
        C::GetChats {
            user_id: 1,
            pending_connections: true,
            count: 20,
            query: ChatListQuery::Filters {
                favorite: false,
                unread: true,
            },
        },
        C::GetChats {
            user_id: 1,
            pending_connections: false,
            count: 5,
            query: ChatListQuery::Search {
                search: "team".into(),
            },
        },
        C::DeleteChat {
            chat: ChatRef::Direct(2),
            mode: ChatDeleteMode::Full { notify: false },
        },
        C::DeleteChat {
            chat: ChatRef::Group(1),
            mode: ChatDeleteMode::Entity { notify: true },
        },
        C::DeleteChat {
            chat: ChatRef::Direct(2),
            mode: ChatDeleteMode::Messages,
        },
        C::SetCustomData {
            chat: ChatRef::Group(1),
            custom_data: Some(custom.clone()),
        },
        C::SetCustomData {
            chat: ChatRef::Direct(2),
            custom_data: None,
        },
        C::SetUserAutoAcceptMemberContacts {
            user_id: 1,
            enable: true,
        },
        C::ShowActiveUser,
        C::ListUsers,
        C::SetActiveUser { user_id: 2 },
        C::DeleteUser {
            user_id: 2,
            del_smp_queues: true,
        },
        C::UpdateProfile {
            user_id: 1,
            profile: common::profile("bot"),
        },
        C::SetContactPrefs {
            contact_id: 2,
            preferences: Preferences::default(),
        },
        C::StartChat,
        C::StopChat,
    ]
}

#[test]
fn commands_render_as_simploxide_renders_them() {
    let mut compared = 0;
    for cmd in all_commands() {
        if let Some(expected) = theirs(&cmd) {
            let ours = cmd.to_command_string();
            assert_eq!(normalized(&ours), normalized(&expected), "{cmd:?}");
            compared += 1;
        }
    }
    // All but the two forms simploxide lacks (`/_auto_accept`, `messages` mode).
    assert_eq!(compared, all_commands().len() - 2);
}

// Literal syntax from the reference's bots/api/COMMANDS.md (the "Syntax" blocks, with
// the placeholders filled in).
#[test]
fn commands_match_the_reference_docs_syntax() {
    use ApiCommand as C;
    let cases: Vec<(ApiCommand, &str)> = vec![
        (C::CreateMyAddress { user_id: 1 }, "/_address 1"),
        (C::DeleteMyAddress { user_id: 1 }, "/_delete_address 1"),
        (C::ShowMyAddress { user_id: 1 }, "/_show_address 1"),
        (
            C::SetProfileAddress {
                user_id: 1,
                enable: false,
            },
            "/_profile_address 1 off",
        ),
        (
            C::DeleteChatItem {
                chat: ChatRef::Direct(1),
                item_ids: vec![5, 6],
                mode: CIDeleteMode::Broadcast,
            },
            "/_delete item @1 5,6 broadcast",
        ),
        (
            C::DeleteMemberChatItem {
                group_id: 3,
                item_ids: vec![8],
            },
            "/_delete member item #3 8",
        ),
        (
            C::ReceiveFile {
                file_id: 4,
                approved_relays: true,
                store_encrypted: Some(true),
                file_inline: Some(false),
                file_path: Some("./f.txt".into()),
            },
            "/freceive 4 approved_relays=on encrypt=on inline=off ./f.txt",
        ),
        (C::CancelFile { file_id: 4 }, "/fcancel 4"),
        (
            C::BlockMembersForAll {
                group_id: 1,
                group_member_ids: vec![2, 3],
                blocked: true,
            },
            "/_block #1 2,3 blocked=on",
        ),
        (
            C::RemoveMembers {
                group_id: 1,
                group_member_ids: vec![2],
                with_messages: false,
            },
            "/_remove #1 2",
        ),
        (
            C::DeleteChat {
                chat: ChatRef::Direct(2),
                mode: ChatDeleteMode::Messages,
            },
            "/_delete @2 messages",
        ),
        (
            C::DeleteChat {
                chat: ChatRef::Direct(2),
                mode: ChatDeleteMode::Full { notify: true },
            },
            "/_delete @2 full",
        ),
        (C::ShowActiveUser, "/user"),
        (C::ListUsers, "/users"),
        (C::StartChat, "/_start"),
        (C::StopChat, "/_stop"),
        (
            C::SendMessages {
                chat: ChatRef::Direct(1),
                live: false,
                ttl: Some(30),
                sign: false,
                messages: vec![ComposedMessage::text("hi")],
            },
            r#"/_send @1 ttl=30 json [{"msgContent":{"type":"text","text":"hi"},"mentions":{}}]"#,
        ),
    ];
    for (cmd, expected) in cases {
        assert_eq!(normalized(&cmd.to_command_string()), normalized(expected));
    }
}

// The older auto-accept form as the reference's TypeScript client renders it
// (packages/simplex-chat-client/typescript/src/command.ts, `apiAddressAutoAccept` and
// `autoAcceptStr`): `/_auto_accept <userId> on[ incognito=on][ json <msgContent>]` or `off`.
#[test]
fn legacy_auto_accept_renders_its_options() {
    let cmd = ApiCommand::AddressAutoAccept {
        user_id: 1,
        enable: true,
        incognito: true,
        auto_reply: Some(MsgContent::text("Welcome")),
    };
    assert_eq!(
        normalized(&cmd.to_command_string()),
        normalized(r#"/_auto_accept 1 on incognito=on json {"type":"text","text":"Welcome"}"#)
    );
    let off = ApiCommand::AddressAutoAccept {
        user_id: 3,
        enable: false,
        incognito: true,
        auto_reply: Some(MsgContent::text("ignored when off")),
    };
    assert_eq!(off.to_command_string(), "/_auto_accept 3 off");
}

#[test]
fn send_payload_round_trips_through_the_rendered_command() {
    let messages = hello();
    let cmd = ApiCommand::SendMessages {
        chat: ChatRef::Group(5),
        live: false,
        ttl: None,
        sign: false,
        messages: messages.clone(),
    };
    let text = cmd.to_command_string();
    let (_, json) = text.split_once(" json ").unwrap();
    assert_eq!(parse_composed_messages(json).unwrap(), messages);
}

// Field list of `ComposedMessage` in bots/api/TYPES.md: fileSource?, quotedItemId?,
// msgContent, mentions.
#[test]
fn send_payload_reads_the_documented_fields() {
    let json = r#"[{"fileSource":{"filePath":"/tmp/a.jpg","cryptoArgs":{"fileKey":"a2V5","fileNonce":"bm9uY2U="}},
                   "quotedItemId":12,
                   "msgContent":{"type":"image","text":"look","image":"data:image/jpg;base64,AA=="},
                   "mentions":{"bob":4}}]"#;
    let msgs = parse_composed_messages(json).unwrap();
    assert_eq!(msgs.len(), 1);
    let m = &msgs[0];
    assert_eq!(m.quoted_item_id, Some(12));
    assert_eq!(m.mentions.get("bob"), Some(&4));
    let file = m.file_source.as_ref().unwrap();
    assert_eq!(file.file_path, "/tmp/a.jpg");
    assert_eq!(file.crypto_args.as_ref().unwrap().file_key, "a2V5");
    assert_eq!(
        m.msg_content,
        MsgContent::Image {
            text: "look".into(),
            image: "data:image/jpg;base64,AA==".into()
        }
    );
    // Debug output never shows the file key.
    assert!(!format!("{m:?}").contains("a2V5"));
}

#[test]
fn send_payload_accepts_one_object_and_missing_mentions() {
    let msgs = parse_composed_messages(r#" {"msgContent":{"type":"text","text":"x"}} "#).unwrap();
    assert_eq!(msgs, vec![ComposedMessage::text("x")]);
}

#[test]
fn send_payload_rejects_bad_input() {
    for bad in [
        "",
        "[]",
        "42",
        "\"text\"",
        "[{\"msgContent\":{\"type\":\"text\",\"text\":\"x\"}}] trailing",
        "[{\"mentions\":{}}]",
        "[{\"msgContent\":{\"type\":\"text\",\"text\":\"x\"},\"mentions\":{\"a\":\"b\"}}]",
        "[{\"msgContent\":{\"type\":\"text\"}}]",
        "[1]",
        "{",
    ] {
        let err = parse_composed_messages(bad).unwrap_err();
        assert!(
            matches!(err, ChatApiError::Json(_) | ChatApiError::BadSend(_)),
            "{bad}: {err}"
        );
    }
}

#[test]
fn request_envelope_reads_corr_id_and_cmd() {
    let req = ChatSrvRequest::parse(r#"{"corrId":"7","cmd":"/_address 1"}"#).unwrap();
    assert_eq!(req.corr_id, "7");
    assert_eq!(req.cmd, "/_address 1");
    assert!(ChatSrvRequest::parse(r#"{"cmd":"/user"}"#).is_err());
    assert!(ChatSrvRequest::parse(r#"{"corrId":1,"cmd":"/user"}"#).is_err());
    assert!(ChatSrvRequest::parse(r#"{"corrId":"1","cmd":"/user"} x"#).is_err());
}
