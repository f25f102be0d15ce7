//! Events and values beyond the reference's literal vectors: forward compatibility
//! (unknown events, content types, reactions, roles kept verbatim), the reference's
//! lenient and strict spots, and round trips of the events added since the vectors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chat_proto::ChatMsgEvent as E;
use chat_proto::call::{CallCapabilities, CallInvitation, CallMedia, CallType};
use chat_proto::container::{MsgContainer, MsgMention, MsgReaction, MsgRef, MsgScope};
use chat_proto::content::{LinkContent, MsgChatLink, MsgContent, ReportReason};
use chat_proto::event::{FwdSender, GrpMsgForward};
use chat_proto::group::{GroupLinkRejection, GroupRejectionReason, MemberIdRole};
use chat_proto::ids::{CallId, MemberId};
use chat_proto::role::{GroupAcceptance, GroupMemberRole};
use chat_proto::time::UtcTime;
use chat_proto::version::SUPPORTED_CHAT_VRANGE;
use chat_proto::{ChatMessage, ChatProtoError};
use common::*;

fn decode(s: &str) -> Result<ChatMessage, ChatProtoError> {
    ChatMessage::from_json(expand(s).as_bytes())
}

/// Encodes, decodes the result and checks it is the same value.
fn same_after_round_trip(m: &ChatMessage) -> Vec<u8> {
    let bytes = m.encode().unwrap();
    assert_eq!(&ChatMessage::from_json(&bytes).unwrap(), m);
    bytes
}

#[test]
fn unknown_event_is_kept_byte_for_byte() {
    let s = r#"{"v":"1-18","msgId":"AQIDBA==","event":"x.new.thing","params":{"a":[1,{"b":"x","z":1.5}],"b":null}}"#;
    let m = decode(s).unwrap();
    assert!(matches!(&m.event, E::Unknown { event, .. } if event == "x.new.thing"));
    assert_eq!(m.encode().unwrap(), s.as_bytes());
}

#[test]
fn event_names_outside_the_x_namespace_fail() {
    for ev in ["y.msg", "", "F", "x msg"] {
        let s = format!(r#"{{"v":"1","event":"{ev}","params":{{}}}}"#);
        assert!(decode(&s).is_err(), "{ev}");
    }
    assert!(
        decode(r#"{"v":"1","event":"x.ok"}"#).is_err(),
        "params are required"
    );
    assert!(decode(r#"{"v":"1","event":"x.ok","params":[]}"#).is_err());
    assert!(decode(r#"{"v":"2-1","event":"x.ok","params":{}}"#).is_err());
    let no_v = decode(r#"{"event":"x.ok","params":{},"extra":1}"#).unwrap();
    assert_eq!(no_v.chat_vrange.to_string(), "1");
}

#[test]
fn unknown_content_type_is_kept() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"poll":[1,2],"type":"poll"}}}"#;
    let m = decode(s).unwrap();
    let E::MsgNew(c) = &m.event else { panic!() };
    assert!(matches!(&c.content, MsgContent::Unknown { tag, text, .. }
        if tag == "poll" && text == "unknown message type"));
    assert_eq!(m.encode().unwrap(), s.as_bytes());
    assert!(
        decode(r#"{"v":"1","event":"x.msg.new","params":{"content":{"type":"text"}}}"#).is_err()
    );
}

#[test]
fn forward_accepts_legacy_object_and_false() {
    let with = |f: &str| {
        decode(&format!(
            r#"{{"v":"1","event":"x.msg.new","params":{{"content":{{"text":"a","type":"text"}},"forward":{f}}}}}"#
        ))
    };
    let E::MsgNew(c) = with("{}").unwrap().event else {
        panic!()
    };
    assert!(c.forward);
    let E::MsgNew(c) = with("false").unwrap().event else {
        panic!()
    };
    assert!(!c.forward);
    assert!(with("1").is_err());
}

#[test]
fn reactions_known_and_unknown() {
    let react = |r: &str| {
        decode(&format!(
            r#"{{"v":"1","event":"x.msg.react","params":{{"msgId":"AQIDBA==","reaction":{r},"add":true}}}}"#
        ))
        .unwrap()
    };
    let E::MsgReact { reaction, .. } = react(r#"{"type":"emoji","emoji":"👍"}"#).event else {
        panic!()
    };
    assert_eq!(reaction, MsgReaction::Emoji('👍'));
    // an emoji outside the list, and "❤️" (two code points), are kept as unknown
    for r in [
        r#"{"emoji":"🦀","type":"emoji"}"#,
        r#"{"emoji":"❤️","type":"emoji"}"#,
        r#"{"type":"sticker"}"#,
    ] {
        let m = react(r);
        let E::MsgReact { reaction, .. } = &m.event else {
            panic!()
        };
        assert!(matches!(reaction, MsgReaction::Unknown { .. }));
        assert!(String::from_utf8(m.encode().unwrap()).unwrap().contains(r));
    }
}

#[test]
fn member_del_messages_flag_is_lenient() {
    let del = |p: &str| {
        decode(&format!(
            r#"{{"v":"1","event":"x.grp.mem.del","params":{p}}}"#
        ))
        .unwrap()
        .event
    };
    let flag = |p| matches!(del(p), E::GrpMemDel { messages: true, .. });
    assert!(flag(r#"{"memberId":"AQIDBA==","messages":true}"#));
    assert!(!flag(r#"{"memberId":"AQIDBA==","messages":"yes"}"#));
}

#[test]
fn unknown_role_is_kept_and_ranked_lowest() {
    let s =
        r#"{"v":"1","event":"x.grp.mem.role","params":{"memberId":"AQIDBA==","role":"superhero"}}"#;
    let m = decode(s).unwrap();
    let E::GrpMemRole { role, .. } = &m.event else {
        panic!()
    };
    assert_eq!(role, &GroupMemberRole::Unknown("superhero".into()));
    assert!(role.rank() < GroupMemberRole::Relay.rank());
    assert!(GroupMemberRole::Admin.rank() < GroupMemberRole::Owner.rank());
    assert_eq!(m.encode().unwrap(), s.as_bytes());
}

#[test]
fn group_msg_forward_nests_a_message() {
    let inner = {
        let mut m = msg(E::MsgNew(Box::new(simple(MsgContent::text("hi")))));
        m.msg_id = Some(id1234());
        m
    };
    let fwd = ChatMessage::new(
        SUPPORTED_CHAT_VRANGE,
        E::GrpMsgForward {
            forward: GrpMsgForward {
                sender: FwdSender::Member {
                    member_id: MemberId(vec![9]),
                    member_name: "bob".into(),
                },
                broker_ts: UtcTime::from_unix(1_700_000_000, 250_000_000).unwrap(),
            },
            msg: Box::new(inner),
        },
    );
    let bytes = same_after_round_trip(&fwd);
    let expected = r#"{"v":"1-18","event":"x.grp.msg.forward","params":{"memberId":"CQ==","memberName":"bob","msg":{"event":"x.msg.new","msgId":"AQIDBA==","params":{"content":{"text":"hi","type":"text"}},"v":"1"},"msgTs":"2023-11-14T22:13:20.25Z"}}"#;
    assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    let channel = decode(r#"{"v":"1","event":"x.grp.msg.forward","params":{"msg":{"v":"1","event":"x.ok","params":{}},"msgTs":"2023-11-14T22:13:20Z"}}"#).unwrap();
    assert!(matches!(
        channel.event,
        E::GrpMsgForward {
            forward: GrpMsgForward {
                sender: FwdSender::Channel,
                ..
            },
            ..
        }
    ));
}

#[test]
fn newer_content_kinds_round_trip() {
    let contents = [
        MsgContent::Video {
            text: "v".into(),
            image: IMG.into(),
            duration: 12,
        },
        MsgContent::Voice {
            text: String::new(),
            duration: 5,
        },
        MsgContent::Report {
            text: "bad".into(),
            reason: ReportReason::Spam,
        },
        MsgContent::Report {
            text: String::new(),
            reason: ReportReason::Unknown("new".into()),
        },
        MsgContent::Chat {
            text: "join".into(),
            chat_link: MsgChatLink::Group {
                conn_link: "https://smp.example/g#abc".into(),
                group_profile: test_group_profile(),
            },
        },
        MsgContent::Link {
            text: "t".into(),
            preview: chat_proto::content::LinkPreview {
                uri: "u".into(),
                title: "t".into(),
                description: "d".into(),
                image: "i".into(),
                content: Some(LinkContent::Video { duration: Some(3) }),
            },
        },
    ];
    for content in contents {
        let mut c = MsgContainer {
            scope: Some(MsgScope::Member {
                member_id: MemberId(vec![1]),
            }),
            as_group: Some(true),
            parent: Some(MsgRef {
                msg_id: None,
                sent_at: UtcTime::from_unix(0, 0).unwrap(),
                sent: false,
                member_id: Some(MemberId(vec![2])),
            }),
            ..simple(content)
        };
        c.mentions.insert(
            "alice".into(),
            MsgMention {
                member_id: MemberId(vec![3]),
            },
        );
        same_after_round_trip(&msg(E::MsgNew(Box::new(c))));
    }
}

#[test]
fn link_content_of_unknown_kind_is_kept() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"preview":{"content":{"type":"map","zoom":3},"description":"d","image":"i","title":"t","uri":"u"},"text":"t","type":"link"}}}"#;
    let m = decode(s).unwrap();
    assert_eq!(m.encode().unwrap(), s.as_bytes());
}

#[test]
fn group_link_and_call_events_round_trip() {
    let role = |id: u8, r| MemberIdRole {
        member_id: MemberId(vec![id]),
        member_role: r,
    };
    let events = [
        E::GrpLinkReject(GroupLinkRejection {
            from_member: role(1, GroupMemberRole::Owner),
            invited_member: role(2, GroupMemberRole::Member),
            group_profile: test_group_profile(),
            rejection_reason: GroupRejectionReason::LongName,
        }),
        E::GrpLinkAcpt {
            acceptance: GroupAcceptance::PendingReview,
            role: GroupMemberRole::Observer,
            member_id: MemberId(vec![2]),
        },
        E::CallInv {
            call_id: CallId(vec![1, 2]),
            invitation: CallInvitation {
                call_type: CallType {
                    media: CallMedia::Video,
                    capabilities: CallCapabilities { encryption: true },
                },
                call_dh_pub_key: Some("MCowBQYDK2VuAyEA".into()),
            },
        },
        E::CallEnd {
            call_id: CallId(vec![3]),
        },
        E::Contact {
            profile: test_profile(),
            contact_req_id: None,
            welcome_msg_id: Some(id1234()),
            request_msg: Some((id1234(), MsgContent::text("hi"))),
        },
        E::GrpRelayTest {
            challenge: chat_proto::ids::B64Bytes(vec![1; 32]),
            signature: None,
        },
        E::DirectDel,
    ];
    for ev in events {
        same_after_round_trip(&msg(ev));
    }
    let s = r#"{"v":"1","event":"x.call.inv","params":{"callId":"AQI=","invitation":{"callType":{"capabilities":{"encryption":false},"media":"audio"}}}}"#;
    assert_eq!(decode(s).unwrap().encode().unwrap(), s.as_bytes());
}

#[test]
fn event_properties_follow_the_reference() {
    let new = msg(E::MsgNew(Box::new(simple(MsgContent::text("a")))));
    assert!(new.event.has_notification() && new.event.has_delivery_receipt());
    assert!(new.event.is_forwarded_group_msg());
    assert!(E::GrpLeave.requires_signature() && !E::Ok.requires_signature());
    assert!(
        !E::GrpMemCon {
            member_id: MemberId(vec![1])
        }
        .is_forwarded_group_msg()
    );
}

#[test]
fn large_message_is_refused_by_the_limit() {
    let m = msg(E::MsgNew(Box::new(simple(MsgContent::text(
        &"a".repeat(16_000),
    )))));
    let limit = chat_proto::limits::MAX_ENCODED_MSG_LENGTH;
    assert!(matches!(
        m.encode_limited(limit),
        Err(ChatProtoError::TooLarge { .. })
    ));
    assert!(msg(E::Ok).encode_limited(limit).is_ok());
}

/// Found by the `chat_message` fuzz target: a long number in unknown params must read
/// back as the same value after printing (exact float parsing).
#[test]
fn long_numbers_in_unknown_params_are_stable() {
    let digits = "7".repeat(180);
    let s = format!(r#"{{"v":"1","event":"x.future","params":{{"n":1{digits}00}}}}"#);
    let m = decode(&s).unwrap();
    same_after_round_trip(&m);
}

#[test]
fn display_text_as_the_reference() {
    let voice = MsgContent::Voice {
        text: String::new(),
        duration: 65,
    };
    assert_eq!(voice.display_text(), "voice message (01:05)");
    let voice = MsgContent::Voice {
        text: "hi".into(),
        duration: 7,
    };
    assert_eq!(voice.display_text(), "voice message (00:07); hi");
    let report = MsgContent::Report {
        text: "x".into(),
        reason: ReportReason::Profile,
    };
    assert_eq!(report.display_text(), "report profile: x");
    assert_eq!(MsgContent::text("a").display_text(), "a");
}

#[test]
fn relay_invitation_is_kept_and_readable() {
    let s = r#"{"v":"1","event":"x.grp.relay.inv","params":{"groupRelayInvitation":{"extra":1,"fromMember":{"memberId":"AQ==","memberRole":"owner"},"fromMemberProfile":{"displayName":"o","fullName":""},"groupLink":"https://r.example/c#x","relayMemberId":"Ag=="}}}"#;
    let m = decode(s).unwrap();
    assert_eq!(m.encode().unwrap(), s.as_bytes());
    let E::GrpRelayInv(obj) = &m.event else {
        panic!()
    };
    let inv = chat_proto::group::GroupRelayInvitation::from_object(obj).unwrap();
    assert_eq!(inv.relay_member_id, MemberId(vec![2]));
    assert_eq!(inv.from_member.member_role, GroupMemberRole::Owner);
}
