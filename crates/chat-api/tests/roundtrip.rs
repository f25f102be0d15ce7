//! Every response, event and type round-trips through JSON; literal JSON in the shapes
//! the reference documents decodes and re-encodes to the same JSON value; envelopes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chat_api::address::AddressSettings;
use chat_api::common::CreatedConnLink;
use chat_api::conn::{ConnStatus, ConnType};
use chat_api::contact::UserContactRequest;
use chat_api::errors::{AgentErrorType, ChatError, ChatErrorType, StoreError};
use chat_api::event::ChatEvent;
use chat_api::file::{CIFileStatus, RcvFileStatus};
use chat_api::group::GroupMemberStatus;
use chat_api::item::{AChatItem, CIStatus};
use chat_api::item_content::CIContent;
use chat_api::response::ChatResponse;
use chat_api::{ChatSrvRequest, ChatSrvResponse};
use common::samples::{all_events, all_responses};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::fmt::Debug;

/// Encodes, decodes and encodes again: the value and the JSON must survive.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(v: &T) {
    let text = serde_json::to_string(v).unwrap();
    let back: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(&back, v);
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
}

/// Decodes a literal JSON value as `T` and encodes it back to the same value.
fn literal<T: Serialize + DeserializeOwned + Debug>(v: Value) -> T {
    let t: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"));
    assert_eq!(serde_json::to_value(&t).unwrap(), v);
    t
}

#[test]
fn every_response_and_event_round_trips() {
    let responses = all_responses();
    let events = all_events();
    assert!(responses.len() > 45 && events.len() > 47);
    responses.iter().for_each(round_trip);
    events.iter().for_each(round_trip);
}

#[test]
fn every_item_round_trips_alone() {
    for item in common::items::all_items() {
        round_trip(&item);
    }
}

#[test]
fn responses_and_events_carry_their_type_tag_first_level() {
    for r in all_responses() {
        let v = serde_json::to_value(&r).unwrap();
        let tag = v["type"].as_str().unwrap().to_owned();
        assert!(tag.chars().next().unwrap().is_ascii_lowercase(), "{tag}");
        assert!(!tag.contains('_'), "{tag}");
    }
    let tags: Vec<String> = all_events()
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(tags.iter().any(|t| t == "sndFileCompleteXFTP"));
    assert!(tags.iter().any(|t| t == "newChatItems"));
    assert!(tags.iter().any(|t| t == "contactConnected"));
}

// Optional fields the reference leaves out (`omitNothingFields`) are absent, not null.
#[test]
fn absent_optionals_are_omitted_not_null() {
    fn no_nulls(v: &Value, path: &str) {
        match v {
            Value::Null => panic!("null at {path}"),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| no_nulls(x, &format!("{path}[{i}]"))),
            Value::Object(o) => o
                .iter()
                .for_each(|(k, x)| no_nulls(x, &format!("{path}.{k}"))),
            _ => {}
        }
    }
    for r in all_responses() {
        no_nulls(&serde_json::to_value(&r).unwrap(), "resp");
    }
    for e in all_events() {
        no_nulls(&serde_json::to_value(&e).unwrap(), "event");
    }
}

#[test]
fn ids_are_numbers_and_times_are_iso_utc_strings() {
    let v = serde_json::to_value(common::contact(2, "alice")).unwrap();
    assert_eq!(v["contactId"], json!(2));
    assert_eq!(v["activeConn"]["connId"], json!(12));
    assert_eq!(v["createdAt"], json!("2026-11-28T00:00:02.123Z"));
    assert_eq!(v["chatItemTTL"], json!(86400));
}

// Envelope shape of the reference CLI's WebSocket server (apps/simplex-chat/Server.hs:
// `ChatSrvResponse {corrId :: Maybe Text, resp}` with Nothing left out; command
// errors as `chatCmdError`, other errors as the `chatError` event).
#[test]
fn envelopes_have_the_reference_shape() {
    let reply = ChatSrvResponse::reply("5", Ok(ChatResponse::ChatStarted));
    assert_eq!(
        serde_json::to_value(&reply).unwrap(),
        json!({"corrId": "5", "resp": {"type": "chatStarted"}})
    );
    let err = ChatError::chat(ChatErrorType::NoActiveUser);
    let reply = ChatSrvResponse::reply("6", Err(err.clone()));
    assert_eq!(
        serde_json::to_value(&reply).unwrap(),
        json!({"corrId": "6", "resp": {"type": "chatCmdError",
            "chatError": {"type": "error", "errorType": {"type": "noActiveUser"}}}})
    );
    let event = ChatSrvResponse::event(Err(err));
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        json!({"resp": {"type": "chatError",
            "chatError": {"type": "error", "errorType": {"type": "noActiveUser"}}}})
    );
    let event = ChatSrvResponse::event(Ok(ChatEvent::HostConnected {
        protocol: "smp".into(),
        transport_host: "smp.example".into(),
    }));
    let text = event.to_json().unwrap();
    assert_eq!(
        text,
        r#"{"resp":{"type":"hostConnected","protocol":"smp","transportHost":"smp.example"}}"#
    );
    let back: ChatSrvResponse<ChatEvent> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, event);
    let req = ChatSrvRequest {
        corr_id: "1".into(),
        cmd: "/user".into(),
    };
    assert_eq!(
        serde_json::to_string(&req).unwrap(),
        r#"{"corrId":"1","cmd":"/user"}"#
    );
}

// Samples written from the field lists of the reference's bots/api/TYPES.md
// (CreatedConnLink, AddressSettings, AutoAccept, ConnStatus, ConnType,
// GroupMemberStatus, CIStatus, CIFileStatus, RcvFileStatus, UserContactRequest).
#[test]
fn documented_type_shapes_decode_and_re_encode() {
    let link: CreatedConnLink = literal(json!({
        "connFullLink": "simplex:/contact#/?v=2-7&smp=smp%3A%2F%2Fa%40b",
        "connShortLink": "https://smp.example/a#xyz"
    }));
    assert_eq!(
        link.conn_short_link.as_deref(),
        Some("https://smp.example/a#xyz")
    );
    let settings: AddressSettings = literal(json!({
        "businessAddress": false,
        "autoAccept": {"acceptIncognito": false},
        "autoReply": {"type": "text", "text": "Hello!"}
    }));
    assert!(settings.auto_accept.is_some());
    assert_eq!(
        literal::<ConnStatus>(json!({"type": "sndReady"})),
        ConnStatus::SndReady
    );
    assert_eq!(
        literal::<ConnType>(json!("user_contact")),
        ConnType::UserContact
    );
    assert_eq!(
        literal::<GroupMemberStatus>(json!("intro-inv")),
        GroupMemberStatus::IntroInvited
    );
    assert_eq!(
        literal::<GroupMemberStatus>(json!("pending_approval")),
        GroupMemberStatus::PendingApproval
    );
    let status: CIStatus = literal(json!({
        "type": "sndRcvd", "msgRcptStatus": "badMsgHash", "sndProgress": "partial"
    }));
    assert!(matches!(status, CIStatus::SndRcvd { .. }));
    let status: CIStatus = literal(json!({
        "type": "sndError",
        "agentError": {"type": "proxyRelay", "proxyServer": "p.example",
                        "srvError": {"type": "other", "srvError": "BAD"}}
    }));
    assert!(matches!(status, CIStatus::SndError { .. }));
    let fs: CIFileStatus = literal(json!({
        "type": "rcvTransfer", "rcvProgress": 3, "rcvTotal": 9
    }));
    assert_eq!(
        fs,
        CIFileStatus::RcvTransfer {
            rcv_progress: 3,
            rcv_total: 9
        }
    );
    let rs: RcvFileStatus = literal(json!({"type": "cancelled", "filePath_": "/tmp/x"}));
    assert_eq!(
        rs,
        RcvFileStatus::Cancelled {
            file_path: Some("/tmp/x".into())
        }
    );
    let req: UserContactRequest = literal(json!({
        "contactRequestId": 3,
        "agentInvitationId": "aW52",
        "contactId_": 8,
        "userContactLinkId_": 1,
        "cReqChatVRange": {"minVersion": 1, "maxVersion": 16},
        "localDisplayName": "dave",
        "profileId": 44,
        "profile": {"profileId": 44, "displayName": "dave", "fullName": "", "localAlias": ""},
        "createdAt": "2026-01-02T03:04:05Z",
        "updatedAt": "2026-01-02T03:04:05.5Z",
        "pqSupport": false
    }));
    assert_eq!(req.contact_id, Some(8));
    assert_eq!(req.profile.profile.display_name, "dave");
}

// Error shapes from bots/api/TYPES.md (ChatError, StoreError, AgentErrorType and the
// protocol errors inside it): tag spellings the default camelCase rule would get wrong.
#[test]
fn documented_error_shapes_decode_and_re_encode() {
    let e: ChatError = literal(json!({
        "type": "errorStore", "storeError": {"type": "dBException", "message": "locked"}
    }));
    assert_eq!(
        e,
        ChatError::store(StoreError::DbException {
            message: "locked".into()
        })
    );
    literal::<StoreError>(json!({"type": "uniqueID"}));
    literal::<StoreError>(json!({"type": "userContactLinkNotFound"}));
    let a: AgentErrorType = literal(json!({
        "type": "BROKER", "brokerAddress": "smp://a@b",
        "brokerErr": {"type": "NETWORK", "networkError": {"type": "tLSError", "tlsError": "x"}}
    }));
    assert!(matches!(a, AgentErrorType::Broker { .. }));
    literal::<AgentErrorType>(json!({
        "type": "SMP", "serverAddress": "smp://a@b", "smpErr": {"type": "DUPLICATE_"}
    }));
    literal::<AgentErrorType>(json!({
        "type": "FILE", "fileErr": {"type": "FILE_IO", "fileIOError": "disk full"}
    }));
    literal::<AgentErrorType>(json!({
        "type": "AGENT", "agentErr": {"type": "A_CRYPTO", "cryptoErr": {"type": "RATCHET_HEADER"}}
    }));
    literal::<AgentErrorType>(json!({
        "type": "CRITICAL", "offerRestart": true, "criticalErr": "x"
    }));
    literal::<AgentErrorType>(json!({
        "type": "BROKER", "brokerAddress": "smp://a@b",
        "brokerErr": {"type": "NETWORK", "networkError": {"type": "unknownCAError"}}
    }));
}

// Content shapes from bots/api/TYPES.md (CIContent): the E2EE tags, `memberRole_`,
// and member events written flat next to their `type`.
#[test]
fn documented_content_shapes_decode_and_re_encode() {
    literal::<CIContent>(json!({"type": "rcvDirectE2EEInfo", "e2eeInfo": {"pqEnabled": true}}));
    literal::<CIContent>(json!({
        "type": "sndGroupFeature", "groupFeature": "directMessages",
        "preference": {"enable": "on"}, "memberRole_": "moderator"
    }));
    literal::<CIContent>(json!({
        "type": "rcvGroupEvent",
        "rcvGroupEvent": {"type": "memberRole", "groupMemberId": 4,
                          "profile": {"displayName": "eve", "fullName": ""}, "role": "admin"}
    }));
    literal::<CIContent>(json!({
        "type": "rcvCall", "status": "missed", "duration": 0
    }));
    literal::<CIContent>(json!({
        "type": "rcvDecryptionError", "msgDecryptError": "ratchetSync", "msgCount": 3
    }));
    literal::<CIContent>(json!({"type": "chatBanner"}));
}

#[test]
fn decoders_reject_wrong_shapes() {
    // unknown tag
    assert!(serde_json::from_value::<ChatResponse>(json!({"type": "noSuchThing"})).is_err());
    assert!(serde_json::from_value::<ChatEvent>(json!({"type": "chatStarted"})).is_err());
    // missing required field
    assert!(serde_json::from_value::<ChatResponse>(json!({"type": "activeUser"})).is_err());
    assert!(serde_json::from_value::<CIStatus>(json!({"type": "sndSent"})).is_err());
    // ids must be numbers
    let mut v = serde_json::to_value(common::user()).unwrap();
    v["userId"] = json!("1");
    assert!(serde_json::from_value::<chat_api::user::User>(v).is_err());
    // times must be times
    let mut v = serde_json::to_value(common::contact(2, "a")).unwrap();
    v["createdAt"] = json!("yesterday");
    assert!(serde_json::from_value::<chat_api::contact::Contact>(v).is_err());
    // trailing input
    let text = serde_json::to_string(&common::items::text_rcv(1, "x")).unwrap() + "}";
    assert!(serde_json::from_str::<AChatItem>(&text).is_err());
}
