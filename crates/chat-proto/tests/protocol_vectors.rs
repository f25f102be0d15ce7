//! Every literal vector of the reference's tests/ProtocolTests.hs
//! (simplex-chat commit f90d4ad8, `decodeChatMessageTest`), one test each.
//!
//! `round_trips` is the reference's `#==#`: the text decodes to the value and the value
//! encodes to the same JSON. The encoder's output is also compared byte for byte with
//! the form the reference writes for that JSON (top-level `v,msgId,event,params`, sorted
//! keys inside `params`); literals written in that form (e.g. `x.msg.new simple text`,
//! `x.msg.del`, `x.ok`) are byte-identical to the encoder's output. `decodes` is `==#`
//! (decode only: `x.contact` with ignored content, `x.grp.leave`, `x.grp.del`, `x.ok`).
//! Types that changed since (`MCSimple`/`MCQuote`/`MCForward` are now one container) are
//! built with the current types; the JSON is the reference's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chat_proto::ChatMsgEvent as E;
use chat_proto::container::MsgContainer;
use chat_proto::content::{LinkPreview, MsgContent};
use chat_proto::file::FileInvitation;
use chat_proto::group::{GroupInvitation, IntroInvitation, MemberIdRole, MemberInfo};
use chat_proto::ids::{GroupLinkId, MemberId, Probe, ProbeHash, XContactId};
use chat_proto::profile::Profile;
use chat_proto::role::GroupMemberRole;
use chat_proto::version::ChatVRange;
use chat_proto::{ChatMessage, ChatMsgEvent};
use common::*;
use simplex_encoding::version::VersionRange;

fn new_msg(c: MsgContainer) -> ChatMessage {
    msg(E::MsgNew(Box::new(c)))
}

fn with_id(mut m: ChatMessage) -> ChatMessage {
    m.msg_id = Some(id1234());
    m
}

fn text_with(ttl: Option<i64>, live: Option<bool>) -> MsgContainer {
    MsgContainer {
        ttl,
        live,
        ..simple(MsgContent::text("hello"))
    }
}

fn file_inv(name: &str, conn_req: Option<&str>) -> FileInvitation {
    FileInvitation {
        file_name: name.into(),
        file_size: 12345,
        file_digest: None,
        file_conn_req: conn_req.map(str::to_owned),
        file_inline: None,
        file_descr: None,
    }
}

fn quote_reply(ttl: Option<i64>, live: Option<bool>) -> MsgContainer {
    MsgContainer {
        quote: Some(quoted_msg()),
        ttl,
        live,
        ..simple(MsgContent::text("hello to you too"))
    }
}

fn forwarded(ttl: Option<i64>, live: Option<bool>) -> MsgContainer {
    MsgContainer {
        forward: true,
        ..text_with(ttl, live)
    }
}

fn m1234() -> MemberId {
    MemberId(vec![1, 2, 3, 4])
}

fn member_info(v: Option<VersionRange>) -> MemberInfo {
    MemberInfo {
        member_id: m1234(),
        member_role: GroupMemberRole::Admin,
        v: v.map(ChatVRange),
        profile: test_profile(),
    }
}

fn range_1_5() -> VersionRange {
    VersionRange::new(1, 5).unwrap()
}

fn intro(direct: bool) -> IntroInvitation {
    IntroInvitation {
        group_conn_req: CONN_REQ.into(),
        direct_conn_req: direct.then(|| CONN_REQ.to_owned()),
    }
}

fn group_inv(link_id: Option<GroupLinkId>) -> GroupInvitation {
    GroupInvitation {
        from_member: MemberIdRole {
            member_id: m1234(),
            member_role: GroupMemberRole::Admin,
        },
        invited_member: MemberIdRole {
            member_id: MemberId(vec![5, 6, 7, 8]),
            member_role: GroupMemberRole::Member,
        },
        conn_request: CONN_REQ.into(),
        group_profile: test_group_profile(),
        business: None,
        group_link_id: link_id,
        group_size: None,
    }
}

#[test]
fn x_msg_new_simple_text() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"}}}"#;
    let m = new_msg(simple(MsgContent::text("hello")));
    round_trips(s, &m);
    // this literal is already in the reference's output form
    assert_eq!(m.encode().unwrap(), s.as_bytes());
}

#[test]
fn x_msg_new_simple_text_timed_message_ttl() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"},"ttl":3600}}"#;
    round_trips(s, &new_msg(text_with(Some(3600), None)));
}

#[test]
fn x_msg_new_simple_text_live_message() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"},"live":true}}"#;
    round_trips(s, &new_msg(text_with(None, Some(true))));
}

#[test]
fn x_msg_new_simple_link() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"text":"https://simplex.chat","type":"link","preview":{"description":"SimpleX Chat","image":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAgA","title":"SimpleX Chat","uri":"https://simplex.chat"}}}}"#;
    let preview = LinkPreview {
        uri: "https://simplex.chat".into(),
        title: "SimpleX Chat".into(),
        description: "SimpleX Chat".into(),
        image: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAgA".into(),
        content: None,
    };
    let content = MsgContent::Link {
        text: "https://simplex.chat".into(),
        preview,
    };
    round_trips(s, &new_msg(simple(content)));
}

#[test]
fn x_msg_new_simple_image() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"text":"","type":"image","image":"$IMG"}}}"#;
    let content = MsgContent::Image {
        text: String::new(),
        image: IMG.into(),
    };
    round_trips(s, &new_msg(simple(content)));
}

#[test]
fn x_msg_new_simple_image_with_text() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"text":"here's an image","type":"image","image":"$IMG"}}}"#;
    let content = MsgContent::Image {
        text: "here's an image".into(),
        image: IMG.into(),
    };
    round_trips(s, &new_msg(simple(content)));
}

#[test]
fn x_msg_new_chat_message() {
    let s = r#"{"v":"1","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"}}}"#;
    let m = with_id(new_msg(simple(MsgContent::text("hello"))));
    round_trips(s, &m);
    assert_eq!(m.encode().unwrap(), s.as_bytes());
}

#[test]
fn x_msg_new_chat_message_with_chat_version_range() {
    // "1-5" was `supportedChatVRange` when the vector was written
    let s = r#"{"v":"1-5","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"}}}"#;
    let mut m = with_id(new_msg(simple(MsgContent::text("hello"))));
    m.chat_vrange = range_1_5();
    round_trips(s, &m);
}

#[test]
fn x_msg_new_quote() {
    let s = r#"{"v":"1","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello to you too","type":"text"},"quote":$QUOTE}}"#;
    round_trips(s, &with_id(new_msg(quote_reply(None, None))));
}

#[test]
fn x_msg_new_quote_timed_message_ttl() {
    let s = r#"{"v":"1","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello to you too","type":"text"},"quote":$QUOTE,"ttl":3600}}"#;
    round_trips(s, &with_id(new_msg(quote_reply(Some(3600), None))));
}

#[test]
fn x_msg_new_quote_live_message() {
    let s = r#"{"v":"1","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello to you too","type":"text"},"quote":$QUOTE,"live":true}}"#;
    round_trips(s, &with_id(new_msg(quote_reply(None, Some(true)))));
}

#[test]
fn x_msg_new_forward() {
    let s = r#"{"v":"1","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"},"forward":true}}"#;
    round_trips(s, &with_id(new_msg(forwarded(None, None))));
}

#[test]
fn x_msg_new_forward_timed_message_ttl() {
    let s = r#"{"v":"1","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"},"forward":true,"ttl":3600}}"#;
    round_trips(s, &with_id(new_msg(forwarded(Some(3600), None))));
}

#[test]
fn x_msg_new_forward_live_message() {
    let s = r#"{"v":"1","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"},"forward":true,"live":true}}"#;
    round_trips(s, &with_id(new_msg(forwarded(None, Some(true)))));
}

#[test]
fn x_msg_new_simple_text_with_file() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"},"file":{"fileSize":12345,"fileName":"photo.jpg"}}}"#;
    let c = MsgContainer {
        file: Some(file_inv("photo.jpg", None)),
        ..simple(MsgContent::text("hello"))
    };
    round_trips(s, &new_msg(c));
}

#[test]
fn x_msg_new_simple_file_with_file() {
    let s = r#"{"v":"1","event":"x.msg.new","params":{"content":{"text":"","type":"file"},"file":{"fileSize":12345,"fileName":"file.txt"}}}"#;
    let c = MsgContainer {
        file: Some(file_inv("file.txt", None)),
        ..simple(MsgContent::File {
            text: String::new(),
        })
    };
    round_trips(s, &new_msg(c));
}

#[test]
fn x_msg_new_quote_with_file() {
    let s = r#"{"v":"1","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello to you too","type":"text"},"quote":$QUOTE,"file":{"fileSize":12345,"fileName":"photo.jpg"}}}"#;
    let c = MsgContainer {
        file: Some(file_inv("photo.jpg", None)),
        ..quote_reply(None, None)
    };
    round_trips(s, &with_id(new_msg(c)));
}

#[test]
fn x_msg_new_forward_with_file() {
    let s = r#"{"v":"1","msgId":"AQIDBA==","event":"x.msg.new","params":{"content":{"text":"hello","type":"text"},"forward":true,"file":{"fileSize":12345,"fileName":"photo.jpg"}}}"#;
    let c = MsgContainer {
        file: Some(file_inv("photo.jpg", None)),
        ..forwarded(None, None)
    };
    round_trips(s, &with_id(new_msg(c)));
}

#[test]
fn x_msg_update() {
    let s = r#"{"v":"1","event":"x.msg.update","params":{"msgId":"AQIDBA==", "content":{"text":"hello","type":"text"}}}"#;
    let ev = E::MsgUpdate {
        msg_id: id1234(),
        content: MsgContent::text("hello"),
        mentions: Default::default(),
        ttl: None,
        live: None,
        scope: None,
        as_group: None,
        prefs: None,
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_msg_del() {
    let s = r#"{"v":"1","event":"x.msg.del","params":{"msgId":"AQIDBA=="}}"#;
    let m = msg(E::MsgDel {
        msg_id: id1234(),
        member_id: None,
        scope: None,
    });
    round_trips(s, &m);
    assert_eq!(m.encode().unwrap(), s.as_bytes());
}

#[test]
fn x_msg_deleted() {
    round_trips(
        r#"{"v":"1","event":"x.msg.deleted","params":{}}"#,
        &msg(E::MsgDeleted),
    );
}

#[test]
fn x_file() {
    let s = r#"{"v":"1","event":"x.file","params":{"file":{"fileConnReq":"$CR","fileSize":12345,"fileName":"photo.jpg"}}}"#;
    round_trips(s, &msg(E::File(file_inv("photo.jpg", Some(CONN_REQ)))));
}

#[test]
fn x_file_without_file_invitation() {
    let s =
        r#"{"v":"1","event":"x.file","params":{"file":{"fileSize":12345,"fileName":"photo.jpg"}}}"#;
    round_trips(s, &msg(E::File(file_inv("photo.jpg", None))));
}

#[test]
fn x_file_acpt() {
    let s = r#"{"v":"1","event":"x.file.acpt","params":{"fileName":"photo.jpg"}}"#;
    let ev = E::FileAcpt {
        file_name: "photo.jpg".into(),
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_file_acpt_inv() {
    let s = r#"{"v":"1","event":"x.file.acpt.inv","params":{"msgId":"AQIDBA==","fileName":"photo.jpg","fileConnReq":"$CR"}}"#;
    let ev = E::FileAcptInv {
        msg_id: id1234(),
        file_conn_req: Some(CONN_REQ.into()),
        file_name: "photo.jpg".into(),
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_file_acpt_inv_without_conn_req() {
    let s = r#"{"v":"1","event":"x.file.acpt.inv","params":{"msgId":"AQIDBA==","fileName":"photo.jpg"}}"#;
    let ev = E::FileAcptInv {
        msg_id: id1234(),
        file_conn_req: None,
        file_name: "photo.jpg".into(),
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_file_cancel() {
    let s = r#"{"v":"1","event":"x.file.cancel","params":{"msgId":"AQIDBA=="}}"#;
    round_trips(s, &msg(E::FileCancel { msg_id: id1234() }));
}

#[test]
fn x_info() {
    let s = r#"{"v":"1","event":"x.info","params":{"profile":$PROFILE}}"#;
    round_trips(s, &msg(E::Info(test_profile())));
}

#[test]
fn x_info_with_empty_full_name() {
    let s = r#"{"v":"1","event":"x.info","params":{"profile":{"fullName":"","displayName":"alice","preferences":{"reactions":{"allow":"yes"},"voice":{"allow":"yes"}}}}}"#;
    let p = Profile {
        preferences: Some(test_chat_preferences()),
        ..Profile::from_name("alice")
    };
    round_trips(s, &msg(E::Info(p)));
}

fn contact(req_id: Option<XContactId>) -> ChatMessage {
    msg(E::Contact {
        profile: test_profile(),
        contact_req_id: req_id,
        welcome_msg_id: None,
        request_msg: None,
    })
}

#[test]
fn x_contact_with_x_contact_id() {
    let s =
        r#"{"v":"1","event":"x.contact","params":{"contactReqId":"AQIDBA==","profile":$PROFILE}}"#;
    round_trips(s, &contact(Some(XContactId(vec![1, 2, 3, 4]))));
}

#[test]
fn x_contact_without_x_contact_id() {
    let s = r#"{"v":"1","event":"x.contact","params":{"profile":$PROFILE}}"#;
    round_trips(s, &contact(None));
}

#[test]
fn x_contact_with_content_null() {
    let s = r#"{"v":"1","event":"x.contact","params":{"content":null,"profile":$PROFILE}}"#;
    decodes(s, &contact(None));
}

#[test]
fn x_contact_with_content_ignored() {
    let s = r#"{"v":"1","event":"x.contact","params":{"content":{"text":"hello","type":"text"},"profile":$PROFILE}}"#;
    decodes(s, &contact(None));
}

#[test]
fn x_grp_inv() {
    let s = r#"{"v":"1","event":"x.grp.inv","params":{"groupInvitation":{"connRequest":"$CR","invitedMember":{"memberRole":"member","memberId":"BQYHCA=="},"groupProfile":$GPROFILE,"fromMember":{"memberRole":"admin","memberId":"AQIDBA=="}}}}"#;
    round_trips(s, &msg(E::GrpInv(group_inv(None))));
}

#[test]
fn x_grp_inv_with_group_link_id() {
    let s = r#"{"v":"1","event":"x.grp.inv","params":{"groupInvitation":{"connRequest":"$CR","invitedMember":{"memberRole":"member","memberId":"BQYHCA=="},"groupProfile":$GPROFILE,"fromMember":{"memberRole":"admin","memberId":"AQIDBA=="}, "groupLinkId":"AQIDBA=="}}}"#;
    let inv = group_inv(Some(GroupLinkId(vec![1, 2, 3, 4])));
    round_trips(s, &msg(E::GrpInv(inv)));
}

#[test]
fn x_grp_acpt_without_incognito_profile() {
    let s = r#"{"v":"1","event":"x.grp.acpt","params":{"memberId":"AQIDBA=="}}"#;
    round_trips(s, &msg(E::GrpAcpt { member_id: m1234() }));
}

#[test]
fn x_grp_mem_new() {
    let s = r#"{"v":"1","event":"x.grp.mem.new","params":{"memberInfo":{"memberRole":"admin","memberId":"AQIDBA==","profile":$PROFILE}}}"#;
    let ev = E::GrpMemNew {
        member_info: member_info(None),
        scope: None,
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_mem_new_with_member_chat_version_range() {
    let s = r#"{"v":"1","event":"x.grp.mem.new","params":{"memberInfo":{"memberRole":"admin","memberId":"AQIDBA==","v":"1-5","profile":$PROFILE}}}"#;
    let ev = E::GrpMemNew {
        member_info: member_info(Some(range_1_5())),
        scope: None,
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_mem_intro() {
    let s = r#"{"v":"1","event":"x.grp.mem.intro","params":{"memberInfo":{"memberRole":"admin","memberId":"AQIDBA==","profile":$PROFILE}}}"#;
    let ev = E::GrpMemIntro {
        member_info: member_info(None),
        member_restrictions: None,
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_mem_intro_with_member_chat_version_range() {
    let s = r#"{"v":"1","event":"x.grp.mem.intro","params":{"memberInfo":{"memberRole":"admin","memberId":"AQIDBA==","v":"1-5","profile":$PROFILE}}}"#;
    let ev = E::GrpMemIntro {
        member_info: member_info(Some(range_1_5())),
        member_restrictions: None,
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_mem_inv() {
    let s = r#"{"v":"1","event":"x.grp.mem.inv","params":{"memberId":"AQIDBA==","memberIntro":{"directConnReq":"$CR","groupConnReq":"$CR"}}}"#;
    let ev = E::GrpMemInv {
        member_id: m1234(),
        member_intro: intro(true),
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_mem_inv_without_direct_conn_req() {
    let s = r#"{"v":"1","event":"x.grp.mem.inv","params":{"memberId":"AQIDBA==","memberIntro":{"groupConnReq":"$CR"}}}"#;
    let ev = E::GrpMemInv {
        member_id: m1234(),
        member_intro: intro(false),
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_mem_fwd() {
    let s = r#"{"v":"1","event":"x.grp.mem.fwd","params":{"memberIntro":{"directConnReq":"$CR","groupConnReq":"$CR"},"memberInfo":{"memberRole":"admin","memberId":"AQIDBA==","profile":$PROFILE}}}"#;
    let ev = E::GrpMemFwd {
        member_info: member_info(None),
        member_intro: intro(true),
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_mem_fwd_with_member_chat_version_range_without_direct_conn_req() {
    let s = r#"{"v":"1","event":"x.grp.mem.fwd","params":{"memberIntro":{"groupConnReq":"$CR"},"memberInfo":{"memberRole":"admin","memberId":"AQIDBA==","v":"1-5","profile":$PROFILE}}}"#;
    let ev = E::GrpMemFwd {
        member_info: member_info(Some(range_1_5())),
        member_intro: intro(false),
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_mem_info() {
    let s =
        r#"{"v":"1","event":"x.grp.mem.info","params":{"memberId":"AQIDBA==","profile":$PROFILE}}"#;
    let ev = E::GrpMemInfo {
        member_id: m1234(),
        profile: test_profile(),
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_mem_con() {
    let s = r#"{"v":"1","event":"x.grp.mem.con","params":{"memberId":"AQIDBA=="}}"#;
    round_trips(s, &msg(E::GrpMemCon { member_id: m1234() }));
}

#[test]
fn x_grp_mem_con_all() {
    let s = r#"{"v":"1","event":"x.grp.mem.con.all","params":{"memberId":"AQIDBA=="}}"#;
    round_trips(s, &msg(E::GrpMemConAll { member_id: m1234() }));
}

#[test]
fn x_grp_mem_del() {
    let s = r#"{"v":"1","event":"x.grp.mem.del","params":{"memberId":"AQIDBA=="}}"#;
    let ev = E::GrpMemDel {
        member_id: m1234(),
        messages: false,
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_leave() {
    decodes(
        r#"{"v":"1","event":"x.grp.leave","params":{}}"#,
        &msg(E::GrpLeave),
    );
}

#[test]
fn x_grp_del() {
    decodes(
        r#"{"v":"1","event":"x.grp.del","params":{}}"#,
        &msg(E::GrpDel),
    );
}

#[test]
fn x_grp_direct_inv() {
    let s = r#"{"v":"1","event":"x.grp.direct.inv","params":{"connReq":"$CR", "content":{"text":"hello","type":"text"}}}"#;
    let ev = E::GrpDirectInv {
        conn_req: CONN_REQ.into(),
        content: Some(MsgContent::text("hello")),
        scope: None,
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_grp_direct_inv_without_content() {
    let s = r#"{"v":"1","event":"x.grp.direct.inv","params":{"connReq":"$CR"}}"#;
    let ev = E::GrpDirectInv {
        conn_req: CONN_REQ.into(),
        content: None,
        scope: None,
    };
    round_trips(s, &msg(ev));
}

#[test]
fn x_info_probe() {
    let s = r#"{"v":"1","event":"x.info.probe","params":{"probe":"AQIDBA=="}}"#;
    round_trips(s, &msg(E::InfoProbe(Probe(vec![1, 2, 3, 4]))));
}

#[test]
fn x_info_probe_check() {
    let s = r#"{"v":"1","event":"x.info.probe.check","params":{"probeHash":"AQIDBA=="}}"#;
    round_trips(s, &msg(E::InfoProbeCheck(ProbeHash(vec![1, 2, 3, 4]))));
}

#[test]
fn x_info_probe_ok() {
    let s = r#"{"v":"1","event":"x.info.probe.ok","params":{"probe":"AQIDBA=="}}"#;
    round_trips(s, &msg(E::InfoProbeOk(Probe(vec![1, 2, 3, 4]))));
}

#[test]
fn x_ok() {
    let s = r#"{"v":"1","event":"x.ok","params":{}}"#;
    decodes(s, &msg(ChatMsgEvent::Ok));
    assert_eq!(msg(ChatMsgEvent::Ok).encode().unwrap(), s.as_bytes());
}
