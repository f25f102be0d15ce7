//! Every response and event we emit deserializes with the strict types of the
//! third-party bot client `simploxide-api-types` (generated from the reference's API
//! docs): no variant falls into its `Undocumented` catch-all, no field lands in an
//! `undocumented` map, and its re-encoding equals ours.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chat_api::envelope::ChatSrvResponse;
use chat_api::event::ChatEvent;
use chat_api::response::ChatResponse;
use common::samples::{all_events, all_responses};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use simploxide_api_types as sx;
use std::collections::BTreeSet;
use std::fmt::Debug;

/// Deserializes `ours` as simploxide's `T` and checks nothing was left undocumented.
fn strict<T: DeserializeOwned + Serialize + Debug>(ours: &Value) -> T {
    let theirs: T = serde_json::from_value(ours.clone())
        .unwrap_or_else(|e| panic!("simploxide rejects it: {e}\n{ours:#}"));
    let dbg = format!("{theirs:?}");
    for marker in ["Undocumented(", "undocumented: Object {\""] {
        for (at, _) in dbg.match_indices(marker) {
            let end = (at + 300).min(dbg.len());
            let rest = &dbg[at..end];
            // The docs type the merged `timedMessages` preference as a
            // `SimplePreference`, but the reference writes its `ttl` there too
            // (`ContactUserPreference TimedMessagesPreference`); that one field is
            // expected to be left over.
            if rest.starts_with("undocumented: Object {\"ttl\": Number(") {
                continue;
            }
            panic!("simploxide does not know part of it: {rest}\n{ours:#}");
        }
    }
    let again = serde_json::to_value(&theirs).unwrap();
    assert_eq!(again, *ours, "simploxide's re-encoding differs");
    theirs
}

/// Checks one response with the simploxide type of the command that returns it and
/// returns the variant's number (every variant has its own, so coverage can be counted).
fn check_response(r: &ChatResponse) -> usize {
    use ChatResponse as R;
    use sx::responses as s;
    let v = serde_json::to_value(r).unwrap();
    match r {
        R::ActiveUser { .. } => {
            strict::<s::ShowActiveUserResponse>(&v);
            0
        }
        R::UsersList { .. } => {
            strict::<s::ListUsersResponse>(&v);
            1
        }
        R::UserContactLink { .. } => {
            strict::<s::ApiShowMyAddressResponse>(&v);
            2
        }
        R::UserContactLinkCreated { .. } => {
            strict::<s::ApiCreateMyAddressResponse>(&v);
            3
        }
        R::UserContactLinkDeleted { .. } => {
            strict::<s::ApiDeleteMyAddressResponse>(&v);
            4
        }
        R::UserContactLinkUpdated { .. } => {
            strict::<s::ApiSetAddressSettingsResponse>(&v);
            5
        }
        R::UserProfileUpdated { .. } => {
            strict::<s::ApiUpdateProfileResponse>(&v);
            6
        }
        R::UserProfileNoChange { .. } => {
            strict::<s::ApiUpdateProfileResponse>(&v);
            7
        }
        R::ContactsList { .. } => {
            strict::<s::ApiListContactsResponse>(&v);
            8
        }
        R::GroupsList { .. } => {
            strict::<s::ApiListGroupsResponse>(&v);
            9
        }
        R::NewChatItems { .. } => {
            strict::<s::ApiSendMessagesResponse>(&v);
            10
        }
        R::ChatItemUpdated { .. } => {
            strict::<s::ApiUpdateChatItemResponse>(&v);
            11
        }
        R::ChatItemNotChanged { .. } => {
            strict::<s::ApiUpdateChatItemResponse>(&v);
            12
        }
        R::ChatItemsDeleted { .. } => {
            strict::<s::ApiDeleteChatItemResponse>(&v);
            13
        }
        R::ChatItemReaction { .. } => {
            strict::<s::ApiChatItemReactionResponse>(&v);
            14
        }
        R::AcceptingContactRequest { .. } => {
            strict::<s::ApiAcceptContactResponse>(&v);
            15
        }
        R::ContactRequestRejected { .. } => {
            strict::<s::ApiRejectContactResponse>(&v);
            16
        }
        R::Invitation { .. } => {
            strict::<s::ApiAddContactResponse>(&v);
            17
        }
        R::SentConfirmation { .. } => {
            strict::<s::ApiConnectResponse>(&v);
            18
        }
        R::SentInvitation { .. } => {
            strict::<s::ApiConnectResponse>(&v);
            19
        }
        R::ContactAlreadyExists { .. } => {
            strict::<s::ConnectResponse>(&v);
            20
        }
        R::ContactDeleted { .. } => {
            strict::<s::ApiDeleteChatResponse>(&v);
            21
        }
        R::ContactConnectionDeleted { .. } => {
            strict::<s::ApiDeleteChatResponse>(&v);
            22
        }
        R::GroupDeletedUser { .. } => {
            strict::<s::ApiDeleteChatResponse>(&v);
            23
        }
        R::GroupCreated { .. } => {
            strict::<s::ApiNewGroupResponse>(&v);
            24
        }
        R::GroupMembers { .. } => {
            strict::<s::ApiListMembersResponse>(&v);
            25
        }
        R::GroupUpdated { .. } => {
            strict::<s::ApiUpdateGroupProfileResponse>(&v);
            26
        }
        R::GroupLinkCreated { .. } => {
            strict::<s::ApiCreateGroupLinkResponse>(&v);
            27
        }
        R::GroupLink { .. } => {
            strict::<s::ApiGetGroupLinkResponse>(&v);
            28
        }
        R::GroupLinkDeleted { .. } => {
            strict::<s::ApiDeleteGroupLinkResponse>(&v);
            29
        }
        R::SentGroupInvitation { .. } => {
            strict::<s::ApiAddMemberResponse>(&v);
            30
        }
        R::UserAcceptedGroupSent { .. } => {
            strict::<s::ApiJoinGroupResponse>(&v);
            31
        }
        R::MemberAccepted { .. } => {
            strict::<s::ApiAcceptMemberResponse>(&v);
            32
        }
        R::MembersRoleUser { .. } => {
            strict::<s::ApiMembersRoleResponse>(&v);
            33
        }
        R::UserDeletedMembers { .. } => {
            strict::<s::ApiRemoveMembersResponse>(&v);
            34
        }
        R::LeftMemberUser { .. } => {
            strict::<s::ApiLeaveGroupResponse>(&v);
            35
        }
        R::RcvFileAccepted { .. } => {
            strict::<s::ReceiveFileResponse>(&v);
            36
        }
        R::RcvFileAcceptedSndCancelled { .. } => {
            strict::<s::ReceiveFileResponse>(&v);
            37
        }
        R::RcvFileCancelled { .. } => {
            strict::<s::CancelFileResponse>(&v);
            38
        }
        R::ContactPrefsUpdated { .. } => {
            strict::<s::ApiSetContactPrefsResponse>(&v);
            39
        }
        R::ChatStarted => {
            strict::<s::StartChatResponse>(&v);
            40
        }
        R::ChatRunning => {
            strict::<s::StartChatResponse>(&v);
            41
        }
        R::ChatStopped => {
            strict::<s::ApiStopChatResponse>(&v);
            42
        }
        R::CmdOk { .. } => {
            strict::<s::ApiDeleteUserResponse>(&v);
            43
        }
        R::ChatCmdError { .. } => {
            strict::<s::ChatCmdError>(&v);
            44
        }
        R::SndFileCancelled { .. } => {
            strict::<s::CancelFileResponse>(&v);
            45
        }
        R::ApiChats { .. } => {
            strict::<s::ApiGetChatsResponse>(&v);
            46
        }
        R::ApiChat { .. } => {
            // simploxide has no `APIGetChat` response: its parts are checked, and
            // nothing else is in it
            strict::<sx::User>(&v["user"]);
            strict::<sx::AChat>(&v["chat"]);
            assert_eq!(v.as_object().map(|o| o.len()), Some(3), "{v:#}");
            47
        }
    }
}

/// The variant number of an event (exhaustive, so a new variant needs a sample).
fn event_index(e: &ChatEvent) -> usize {
    use ChatEvent as E;
    match e {
        E::ContactConnected { .. } => 0,
        E::ContactUpdated { .. } => 1,
        E::ContactDeletedByContact { .. } => 2,
        E::ReceivedContactRequest { .. } => 3,
        E::NewMemberContactReceivedInv { .. } => 4,
        E::ContactSndReady { .. } => 5,
        E::NewChatItems { .. } => 6,
        E::ChatItemReaction { .. } => 7,
        E::ChatItemsDeleted { .. } => 8,
        E::ChatItemUpdated { .. } => 9,
        E::GroupChatItemsDeleted { .. } => 10,
        E::ChatItemsStatusesUpdated { .. } => 11,
        E::ReceivedGroupInvitation { .. } => 12,
        E::UserJoinedGroup { .. } => 13,
        E::GroupUpdated { .. } => 14,
        E::JoinedGroupMember { .. } => 15,
        E::MemberRole { .. } => 16,
        E::DeletedMember { .. } => 17,
        E::LeftMember { .. } => 18,
        E::DeletedMemberUser { .. } => 19,
        E::GroupDeleted { .. } => 20,
        E::ConnectedToGroupMember { .. } => 21,
        E::MemberAcceptedByOther { .. } => 22,
        E::MemberBlockedForAll { .. } => 23,
        E::GroupMemberUpdated { .. } => 24,
        E::RcvFileDescrReady { .. } => 25,
        E::RcvFileComplete { .. } => 26,
        E::SndFileCompleteXftp { .. } => 27,
        E::RcvFileStart { .. } => 28,
        E::RcvFileSndCancelled { .. } => 29,
        E::RcvFileAccepted { .. } => 30,
        E::RcvFileError { .. } => 31,
        E::RcvFileWarning { .. } => 32,
        E::SndFileError { .. } => 33,
        E::SndFileWarning { .. } => 34,
        E::AcceptingContactRequest { .. } => 35,
        E::AcceptingBusinessRequest { .. } => 36,
        E::ContactConnecting { .. } => 37,
        E::BusinessLinkConnecting { .. } => 38,
        E::JoinedGroupMemberConnecting { .. } => 39,
        E::SentGroupInvitation { .. } => 40,
        E::GroupLinkConnecting { .. } => 41,
        E::HostConnected { .. } => 42,
        E::HostDisconnected { .. } => 43,
        E::MessageError { .. } => 44,
        E::ChatError { .. } => 45,
        E::ChatErrors { .. } => 46,
        E::SubscriptionStatus { .. } => 47,
    }
}

fn all_indices(n: usize) -> BTreeSet<usize> {
    (0..n).collect()
}

#[test]
fn every_response_deserializes_strictly() {
    on_big_stack(every_response_deserializes_strictly_body);
}

fn every_response_deserializes_strictly_body() {
    let seen: BTreeSet<usize> = all_responses().iter().map(check_response).collect();
    let max = seen.iter().max().copied().unwrap_or(0);
    assert_eq!(
        seen,
        all_indices(max + 1),
        "some response variant has no sample"
    );
}

#[test]
fn every_event_deserializes_strictly() {
    on_big_stack(every_event_deserializes_strictly_body);
}

fn every_event_deserializes_strictly_body() {
    let events = all_events();
    let mut seen = BTreeSet::new();
    for e in &events {
        seen.insert(event_index(e));
        strict::<sx::events::Event>(&serde_json::to_value(e).unwrap());
    }
    let max = seen.iter().max().copied().unwrap_or(0);
    assert_eq!(
        seen,
        all_indices(max + 1),
        "some event variant has no sample"
    );
}

#[test]
fn replies_extract_through_the_websocket_shape() {
    use sx::client_api::{ExtractResponse, WebSocketResponseShape};
    let reply = ChatSrvResponse::reply(
        "42",
        Ok(ChatResponse::ActiveUser {
            user: common::user(),
        }),
    );
    let text = reply.to_json().unwrap();
    let shape: WebSocketResponseShape<sx::responses::ShowActiveUserResponse> =
        serde_json::from_str(&text).unwrap();
    let user = shape.extract_response().unwrap().into_inner();
    assert_eq!(user.user.user_id, 1);
    assert_eq!(user.user.local_display_name, "bot");

    let error = chat_api::errors::ChatError::chat(chat_api::errors::ChatErrorType::CommandError {
        message: "unknown command".into(),
    });
    let text = ChatSrvResponse::reply("43", Err(error)).to_json().unwrap();
    let shape: WebSocketResponseShape<sx::responses::ShowActiveUserResponse> =
        serde_json::from_str(&text).unwrap();
    let err = shape.extract_response().expect_err("an error reply");
    let chat_error = err.chat_error().expect("a chat error").clone();
    match chat_error {
        sx::errors::ChatError::Error { error_type, .. } => match error_type {
            sx::errors::ChatErrorType::CommandError { message, .. } => {
                assert_eq!(message, "unknown command")
            }
            other => panic!("wrong error type {other:?}"),
        },
        other => panic!("wrong error {other:?}"),
    }
}

#[test]
fn events_carry_no_corr_id_and_parse_as_events() {
    let event = ChatSrvResponse::event(Ok(ChatEvent::ContactSndReady {
        user: common::user(),
        contact: common::contact(2, "alice"),
    }));
    let v: Value = serde_json::from_str(&event.to_json().unwrap()).unwrap();
    assert!(v.get("corrId").is_none());
    let parsed = strict::<sx::events::Event>(&v["resp"]);
    match parsed {
        sx::events::Event::ContactSndReady(e) => assert_eq!(e.contact.contact_id, 2),
        other => panic!("wrong event {other:?}"),
    }
}

// The strictness check itself: a field simploxide does not document is caught.
#[test]
#[should_panic(expected = "does not know part of it")]
fn strict_check_catches_undocumented_fields() {
    let mut v = serde_json::to_value(ChatResponse::ActiveUser {
        user: common::user(),
    })
    .unwrap();
    v["user"]["notAField"] = Value::from(1);
    strict::<sx::responses::ShowActiveUserResponse>(&v);
}

// ... and so is a value that only fits simploxide's catch-all variant (the older
// plain-string form of `connStatus`).
#[test]
#[should_panic(expected = "does not know part of it")]
fn strict_check_catches_undocumented_variants() {
    let mut v = serde_json::to_value(ChatEvent::ContactSndReady {
        user: common::user(),
        contact: common::contact(2, "alice"),
    })
    .unwrap();
    v["contact"]["activeConn"]["connStatus"] = Value::from("ready");
    strict::<sx::events::Event>(&v);
}

/// simploxide's generated enums are large; in debug builds deserializing them overflows the
/// 2 MiB default test-thread stack (seen in CI), so these checks run on a thread with 64 MiB.
fn on_big_stack(body: fn()) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(body)
        .unwrap()
        .join()
        .unwrap();
}
