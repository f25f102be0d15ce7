//! Shared values of the reference's tests/ProtocolTests.hs (simplex-chat at f90d4ad8).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use chat_proto::container::{MsgContainer, MsgRef, QuotedMsg};
use chat_proto::content::MsgContent;
use chat_proto::ids::SharedMsgId;
use chat_proto::json::to_canonical;
use chat_proto::prefs::{
    AllowPreference, FeatureAllowed, GroupFeatureEnabled, GroupPreference, GroupPreferences,
    Preferences, RoleGroupPreference,
};
use chat_proto::profile::{GroupProfile, Profile};
use chat_proto::time::UtcTime;
use chat_proto::version::CHAT_INITIAL_VRANGE;
use chat_proto::{ChatMessage, ChatMsgEvent, ParsedBody, parse_chat_messages};
use serde_json::Value;

/// `testConnReq` as the vectors write it (an old v1 invitation link, kept verbatim).
pub const CONN_REQ: &str = "simplex:/invitation#/?v=1&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-2%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D&e2e=v%3D1-2%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";

/// The image of `testProfile`.
pub const IMG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAgAAAAIAQMAAAD+wSzIAAAABlBMVEX///+/v7+jQ3Y5AAAADklEQVQI12P4AIX8EAgALgAD/aNpbtEAAAAASUVORK5CYII=";

/// `testProfile` as the vectors write it.
pub const PROFILE_JSON: &str = r#"{"fullName":"Alice","displayName":"alice","image":"$IMG","preferences":{"reactions":{"allow":"yes"},"voice":{"allow":"yes"}}}"#;

/// `testGroupProfile` as the vectors write it.
pub const GROUP_PROFILE_JSON: &str = r#"{"fullName":"Team","displayName":"team","groupPreferences":{"reactions":{"enable":"on"},"voice":{"enable":"on"}}}"#;

/// The quote of `quotedMsg` as the vectors write it.
pub const QUOTE_JSON: &str = r#"{"content":{"text":"hello there!","type":"text"},"msgRef":{"msgId":"BQYHCA==","sent":true,"sentAt":"1970-01-01T00:00:01.000000001Z"}}"#;

/// Expands the placeholders `$CR`, `$IMG`, `$PROFILE`, `$GPROFILE`, `$QUOTE`.
pub fn expand(s: &str) -> String {
    s.replace("$PROFILE", PROFILE_JSON)
        .replace("$GPROFILE", GROUP_PROFILE_JSON)
        .replace("$QUOTE", QUOTE_JSON)
        .replace("$CR", CONN_REQ)
        .replace("$IMG", IMG)
}

pub fn id1234() -> SharedMsgId {
    SharedMsgId(vec![1, 2, 3, 4])
}

pub fn test_profile() -> Profile {
    Profile {
        display_name: "alice".into(),
        full_name: "Alice".into(),
        short_descr: None,
        image: Some(IMG.to_owned()),
        contact_link: None,
        preferences: Some(test_chat_preferences()),
    }
}

pub fn test_chat_preferences() -> Preferences {
    Preferences {
        voice: Some(AllowPreference {
            allow: FeatureAllowed::Yes,
        }),
        reactions: Some(AllowPreference {
            allow: FeatureAllowed::Yes,
        }),
        ..Preferences::default()
    }
}

pub fn test_group_profile() -> GroupProfile {
    GroupProfile {
        display_name: "team".into(),
        full_name: "Team".into(),
        short_descr: None,
        description: None,
        image: None,
        group_preferences: Some(GroupPreferences {
            reactions: Some(GroupPreference {
                enable: GroupFeatureEnabled::On,
            }),
            voice: Some(RoleGroupPreference {
                enable: GroupFeatureEnabled::On,
                role: None,
            }),
            ..GroupPreferences::default()
        }),
        member_admission: None,
    }
}

pub fn quoted_msg() -> QuotedMsg {
    QuotedMsg {
        msg_ref: MsgRef {
            msg_id: Some(SharedMsgId(vec![5, 6, 7, 8])),
            sent_at: UtcTime::from_unix(1, 1).unwrap(),
            sent: true,
            member_id: None,
        },
        content: MsgContent::text("hello there!"),
    }
}

pub fn simple(content: MsgContent) -> MsgContainer {
    MsgContainer::simple(content)
}

/// A message with the initial version range and no id.
pub fn msg(event: ChatMsgEvent) -> ChatMessage {
    ChatMessage::new(CHAT_INITIAL_VRANGE, event)
}

fn json(s: &[u8]) -> Value {
    serde_json::from_slice(s).unwrap()
}

/// The form the reference writes a message with this JSON value in: `v`, `msgId`,
/// `event`, `params` in this order, every object in `params` with sorted keys.
pub fn reference_form(v: &Value) -> String {
    let o = v.as_object().unwrap();
    let mut s = String::from("{");
    for k in ["v", "msgId", "event", "params"] {
        if let Some(x) = o.get(k) {
            if s.len() > 1 {
                s.push(',');
            }
            s.push_str(&format!("\"{k}\":{}", to_canonical(x)));
        }
    }
    s.push('}');
    s
}

/// `==#`/`==##`: the text decodes (through the body parser) to exactly `expected`.
pub fn decodes(s: &str, expected: &ChatMessage) {
    let s = expand(s);
    let mut parsed = parse_chat_messages(s.as_bytes());
    assert_eq!(parsed.len(), 1, "exactly one message expected");
    let p = parsed.pop().unwrap().unwrap();
    assert!(p.forward.is_none() && p.signed.is_none());
    match p.body {
        ParsedBody::Json(m) => assert_eq!(&*m, expected),
        ParsedBody::FileChunk(c) => panic!("unexpected file chunk {c:?}"),
    }
}

/// `#==`/`##==`: `expected` encodes to the same JSON value as the text, and to exactly
/// the bytes the reference writes for that value.
pub fn encodes(s: &str, expected: &ChatMessage) {
    let s = expand(s);
    let encoded = expected.encode().unwrap();
    assert_eq!(json(&encoded), json(s.as_bytes()));
    assert_eq!(
        String::from_utf8(encoded).unwrap(),
        reference_form(&json(s.as_bytes()))
    );
}

/// `#==#`/`##==##`: both directions.
pub fn round_trips(s: &str, expected: &ChatMessage) {
    encodes(s, expected);
    decodes(s, expected);
}
