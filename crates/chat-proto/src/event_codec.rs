//! The `params` object of each event: reading (`appJsonToCM`) and writing
//! (`chatToAppMessage`) with the reference's field names and optional fields.

use crate::error::ChatProtoError;
use crate::event::{ChatMsgEvent as E, FwdSender, GrpMsgForward};
use crate::json::{Object, opt, put, put_opt, req};
use crate::message::ChatMessage;
use serde_json::Value;

/// Checks an event name as the reference's tag parser does: non-empty, no spaces, and
/// starting with `x` (the binary tag `F` is not valid in JSON).
pub fn check_event_name(event: &str) -> Result<(), ChatProtoError> {
    if event.starts_with('x') && !event.contains(' ') {
        Ok(())
    } else {
        Err(ChatProtoError::BadEventTag)
    }
}

fn forward_from(p: &Object) -> Result<E, ChatProtoError> {
    let sender = match opt(p, "memberId")? {
        Some(member_id) => FwdSender::Member {
            member_id,
            member_name: opt(p, "memberName")?.unwrap_or_default(),
        },
        None => FwdSender::Channel,
    };
    let forward = GrpMsgForward {
        sender,
        broker_ts: req(p, "msgTs")?,
    };
    let msg_value: Value = req(p, "msg")?;
    let msg = ChatMessage::from_value(&msg_value)?;
    Ok(E::GrpMsgForward {
        forward,
        msg: Box::new(msg),
    })
}

fn contact_from(p: &Object) -> Result<E, ChatProtoError> {
    let req_msg_id = opt(p, "msgId")?;
    let req_content = opt(p, "content")?;
    Ok(E::Contact {
        profile: req(p, "profile")?,
        contact_req_id: opt(p, "contactReqId")?,
        welcome_msg_id: opt(p, "welcomeMsgId")?,
        request_msg: req_msg_id.zip(req_content),
    })
}

/// Reads an event from its name and `params`. Unknown `x.…` names are kept verbatim.
pub fn event_from_params(event: &str, p: &Object) -> Result<E, ChatProtoError> {
    check_event_name(event)?;
    Ok(match event {
        "x.msg.new" => E::MsgNew(Box::new(crate::container::MsgContainer::from_object(p)?)),
        "x.msg.file.descr" => E::MsgFileDescr {
            msg_id: req(p, "msgId")?,
            file_descr: req(p, "fileDescr")?,
        },
        "x.msg.update" => E::MsgUpdate {
            msg_id: req(p, "msgId")?,
            content: req(p, "content")?,
            mentions: opt(p, "mentions")?.unwrap_or_default(),
            ttl: opt(p, "ttl")?,
            live: opt(p, "live")?,
            scope: opt(p, "scope")?,
            as_group: opt(p, "asGroup")?,
            prefs: opt(p, "prefs")?,
        },
        "x.msg.del" => E::MsgDel {
            msg_id: req(p, "msgId")?,
            member_id: opt(p, "memberId")?,
            scope: opt(p, "scope")?,
        },
        "x.msg.deleted" => E::MsgDeleted,
        "x.msg.react" => E::MsgReact {
            msg_id: req(p, "msgId")?,
            member_id: opt(p, "memberId")?,
            scope: opt(p, "scope")?,
            reaction: req(p, "reaction")?,
            add: req(p, "add")?,
        },
        "x.file" => E::File(req(p, "file")?),
        "x.file.acpt" => E::FileAcpt {
            file_name: req(p, "fileName")?,
        },
        "x.file.acpt.inv" => E::FileAcptInv {
            msg_id: req(p, "msgId")?,
            file_conn_req: opt(p, "fileConnReq")?,
            file_name: req(p, "fileName")?,
        },
        "x.file.cancel" => E::FileCancel {
            msg_id: req(p, "msgId")?,
        },
        "x.info" => E::Info(req(p, "profile")?),
        "x.contact" => contact_from(p)?,
        "x.member" => E::Member {
            profile: req(p, "profile")?,
            new_member_id: req(p, "newMemberId")?,
            new_member_key: req(p, "newMemberKey")?,
        },
        "x.direct.del" => E::DirectDel,
        _ => group_event_from(event, p)?,
    })
}

fn group_event_from(event: &str, p: &Object) -> Result<E, ChatProtoError> {
    Ok(match event {
        "x.grp.inv" => E::GrpInv(req(p, "groupInvitation")?),
        "x.grp.acpt" => E::GrpAcpt {
            member_id: req(p, "memberId")?,
        },
        "x.grp.link.inv" => E::GrpLinkInv(req(p, "groupLinkInvitation")?),
        "x.grp.link.reject" => E::GrpLinkReject(req(p, "groupLinkRejection")?),
        "x.grp.link.mem" => E::GrpLinkMem(req(p, "profile")?),
        "x.grp.link.acpt" => E::GrpLinkAcpt {
            acceptance: req(p, "acceptance")?,
            role: req(p, "role")?,
            member_id: req(p, "memberId")?,
        },
        "x.grp.relay.inv" => E::GrpRelayInv(req(p, "groupRelayInvitation")?),
        "x.grp.relay.acpt" => E::GrpRelayAcpt {
            relay_link: req(p, "relayLink")?,
        },
        "x.grp.relay.test" => E::GrpRelayTest {
            challenge: req(p, "challenge")?,
            signature: opt(p, "signature")?,
        },
        "x.grp.mem.new" => E::GrpMemNew {
            member_info: req(p, "memberInfo")?,
            scope: opt(p, "scope")?,
        },
        "x.grp.mem.intro" => E::GrpMemIntro {
            member_info: req(p, "memberInfo")?,
            member_restrictions: opt(p, "memberRestrictions")?,
        },
        "x.grp.mem.inv" => E::GrpMemInv {
            member_id: req(p, "memberId")?,
            member_intro: req(p, "memberIntro")?,
        },
        "x.grp.mem.fwd" => E::GrpMemFwd {
            member_info: req(p, "memberInfo")?,
            member_intro: req(p, "memberIntro")?,
        },
        "x.grp.mem.info" => E::GrpMemInfo {
            member_id: req(p, "memberId")?,
            profile: req(p, "profile")?,
        },
        "x.grp.mem.role" => E::GrpMemRole {
            member_id: req(p, "memberId")?,
            role: req(p, "role")?,
        },
        "x.grp.mem.restrict" => E::GrpMemRestrict {
            member_id: req(p, "memberId")?,
            member_restrictions: req(p, "memberRestrictions")?,
        },
        "x.grp.mem.con" => E::GrpMemCon {
            member_id: req(p, "memberId")?,
        },
        "x.grp.mem.con.all" => E::GrpMemConAll {
            member_id: req(p, "memberId")?,
        },
        // a missing or malformed `messages` counts as false, as in the reference
        "x.grp.mem.del" => E::GrpMemDel {
            member_id: req(p, "memberId")?,
            messages: req::<bool>(p, "messages").unwrap_or(false),
        },
        "x.grp.leave" => E::GrpLeave,
        "x.grp.del" => E::GrpDel,
        "x.grp.info" => E::GrpInfo(req(p, "groupProfile")?),
        "x.grp.prefs" => E::GrpPrefs(req(p, "groupPreferences")?),
        "x.grp.direct.inv" => E::GrpDirectInv {
            conn_req: req(p, "connReq")?,
            content: opt(p, "content")?,
            scope: opt(p, "scope")?,
        },
        "x.grp.msg.forward" => forward_from(p)?,
        _ => other_event_from(event, p)?,
    })
}

fn other_event_from(event: &str, p: &Object) -> Result<E, ChatProtoError> {
    Ok(match event {
        "x.info.probe" => E::InfoProbe(req(p, "probe")?),
        "x.info.probe.check" => E::InfoProbeCheck(req(p, "probeHash")?),
        "x.info.probe.ok" => E::InfoProbeOk(req(p, "probe")?),
        "x.call.inv" => E::CallInv {
            call_id: req(p, "callId")?,
            invitation: req(p, "invitation")?,
        },
        "x.call.offer" => E::CallOffer {
            call_id: req(p, "callId")?,
            offer: req(p, "offer")?,
        },
        "x.call.answer" => E::CallAnswer {
            call_id: req(p, "callId")?,
            answer: req(p, "answer")?,
        },
        "x.call.extra" => E::CallExtra {
            call_id: req(p, "callId")?,
            extra: req(p, "extra")?,
        },
        "x.call.end" => E::CallEnd {
            call_id: req(p, "callId")?,
        },
        "x.ok" => E::Ok,
        _ => E::Unknown {
            event: event.to_owned(),
            params: p.clone(),
        },
    })
}

/// Writes the `params` object of an event.
pub fn event_to_params(ev: &E) -> Result<Object, ChatProtoError> {
    let mut o = Object::new();
    match ev {
        E::MsgNew(c) => return c.to_object(),
        E::MsgFileDescr { msg_id, file_descr } => {
            put(&mut o, "msgId", msg_id)?;
            put(&mut o, "fileDescr", file_descr)?;
        }
        E::MsgUpdate {
            msg_id,
            content,
            mentions,
            ttl,
            live,
            scope,
            as_group,
            prefs,
        } => {
            put(&mut o, "msgId", msg_id)?;
            put(&mut o, "content", content)?;
            if !mentions.is_empty() {
                put(&mut o, "mentions", mentions)?;
            }
            put_opt(&mut o, "ttl", ttl.as_ref())?;
            put_opt(&mut o, "live", live.as_ref())?;
            put_opt(&mut o, "scope", scope.as_ref())?;
            put_opt(&mut o, "asGroup", as_group.as_ref())?;
            put_opt(&mut o, "prefs", prefs.as_ref())?;
        }
        E::MsgDel {
            msg_id,
            member_id,
            scope,
        } => {
            put(&mut o, "msgId", msg_id)?;
            put_opt(&mut o, "memberId", member_id.as_ref())?;
            put_opt(&mut o, "scope", scope.as_ref())?;
        }
        E::MsgReact {
            msg_id,
            member_id,
            scope,
            reaction,
            add,
        } => {
            put(&mut o, "msgId", msg_id)?;
            put_opt(&mut o, "memberId", member_id.as_ref())?;
            put_opt(&mut o, "scope", scope.as_ref())?;
            put(&mut o, "reaction", reaction)?;
            put(&mut o, "add", add)?;
        }
        E::File(f) => put(&mut o, "file", f)?,
        E::FileAcpt { file_name } => put(&mut o, "fileName", file_name)?,
        E::FileAcptInv {
            msg_id,
            file_conn_req,
            file_name,
        } => {
            put(&mut o, "msgId", msg_id)?;
            put_opt(&mut o, "fileConnReq", file_conn_req.as_ref())?;
            put(&mut o, "fileName", file_name)?;
        }
        E::FileCancel { msg_id } => put(&mut o, "msgId", msg_id)?,
        E::Info(profile) | E::GrpLinkMem(profile) => put(&mut o, "profile", profile)?,
        E::Contact {
            profile,
            contact_req_id,
            welcome_msg_id,
            request_msg,
        } => {
            put(&mut o, "profile", profile)?;
            put_opt(&mut o, "contactReqId", contact_req_id.as_ref())?;
            put_opt(&mut o, "welcomeMsgId", welcome_msg_id.as_ref())?;
            if let Some((id, content)) = request_msg {
                put(&mut o, "msgId", id)?;
                put(&mut o, "content", content)?;
            }
        }
        E::Member {
            profile,
            new_member_id,
            new_member_key,
        } => {
            put(&mut o, "profile", profile)?;
            put(&mut o, "newMemberId", new_member_id)?;
            put(&mut o, "newMemberKey", new_member_key)?;
        }
        E::MsgDeleted | E::DirectDel | E::GrpLeave | E::GrpDel | E::Ok => {}
        E::Unknown { params, .. } => return Ok(params.clone()),
        _ => return group_event_to_params(ev),
    }
    Ok(o)
}

fn group_event_to_params(ev: &E) -> Result<Object, ChatProtoError> {
    let mut o = Object::new();
    match ev {
        E::GrpInv(inv) => put(&mut o, "groupInvitation", inv)?,
        E::GrpAcpt { member_id } | E::GrpMemCon { member_id } | E::GrpMemConAll { member_id } => {
            put(&mut o, "memberId", member_id)?
        }
        E::GrpLinkInv(inv) => put(&mut o, "groupLinkInvitation", inv)?,
        E::GrpLinkReject(r) => put(&mut o, "groupLinkRejection", r)?,
        E::GrpLinkAcpt {
            acceptance,
            role,
            member_id,
        } => {
            put(&mut o, "acceptance", acceptance)?;
            put(&mut o, "role", role)?;
            put(&mut o, "memberId", member_id)?;
        }
        E::GrpRelayInv(inv) => put(&mut o, "groupRelayInvitation", inv)?,
        E::GrpRelayAcpt { relay_link } => put(&mut o, "relayLink", relay_link)?,
        E::GrpRelayTest {
            challenge,
            signature,
        } => {
            put(&mut o, "challenge", challenge)?;
            put_opt(&mut o, "signature", signature.as_ref())?;
        }
        E::GrpMemNew { member_info, scope } => {
            put(&mut o, "memberInfo", member_info)?;
            put_opt(&mut o, "scope", scope.as_ref())?;
        }
        E::GrpMemIntro {
            member_info,
            member_restrictions,
        } => {
            put(&mut o, "memberInfo", member_info)?;
            put_opt(&mut o, "memberRestrictions", member_restrictions.as_ref())?;
        }
        E::GrpMemInv {
            member_id,
            member_intro,
        } => {
            put(&mut o, "memberId", member_id)?;
            put(&mut o, "memberIntro", member_intro)?;
        }
        E::GrpMemFwd {
            member_info,
            member_intro,
        } => {
            put(&mut o, "memberInfo", member_info)?;
            put(&mut o, "memberIntro", member_intro)?;
        }
        E::GrpMemInfo { member_id, profile } => {
            put(&mut o, "memberId", member_id)?;
            put(&mut o, "profile", profile)?;
        }
        E::GrpMemRole { member_id, role } => {
            put(&mut o, "memberId", member_id)?;
            put(&mut o, "role", role)?;
        }
        E::GrpMemRestrict {
            member_id,
            member_restrictions,
        } => {
            put(&mut o, "memberId", member_id)?;
            put(&mut o, "memberRestrictions", member_restrictions)?;
        }
        E::GrpMemDel {
            member_id,
            messages,
        } => {
            put(&mut o, "memberId", member_id)?;
            if *messages {
                put(&mut o, "messages", &true)?;
            }
        }
        E::GrpInfo(p) => put(&mut o, "groupProfile", p)?,
        E::GrpPrefs(p) => put(&mut o, "groupPreferences", p)?,
        E::GrpDirectInv {
            conn_req,
            content,
            scope,
        } => {
            put(&mut o, "connReq", conn_req)?;
            put_opt(&mut o, "content", content.as_ref())?;
            put_opt(&mut o, "scope", scope.as_ref())?;
        }
        E::GrpMsgForward { forward, msg } => {
            if let FwdSender::Member {
                member_id,
                member_name,
            } = &forward.sender
            {
                put(&mut o, "memberId", member_id)?;
                put(&mut o, "memberName", member_name)?;
            }
            o.insert("msg".into(), Value::Object(msg.to_object()?));
            put(&mut o, "msgTs", &forward.broker_ts)?;
        }
        _ => return other_event_to_params(ev),
    }
    Ok(o)
}

fn other_event_to_params(ev: &E) -> Result<Object, ChatProtoError> {
    let mut o = Object::new();
    match ev {
        E::InfoProbe(probe) | E::InfoProbeOk(probe) => put(&mut o, "probe", probe)?,
        E::InfoProbeCheck(hash) => put(&mut o, "probeHash", hash)?,
        E::CallInv {
            call_id,
            invitation,
        } => {
            put(&mut o, "callId", call_id)?;
            put(&mut o, "invitation", invitation)?;
        }
        E::CallOffer { call_id, offer } => {
            put(&mut o, "callId", call_id)?;
            put(&mut o, "offer", offer)?;
        }
        E::CallAnswer { call_id, answer } => {
            put(&mut o, "callId", call_id)?;
            put(&mut o, "answer", answer)?;
        }
        E::CallExtra { call_id, extra } => {
            put(&mut o, "callId", call_id)?;
            put(&mut o, "extra", extra)?;
        }
        E::CallEnd { call_id } => put(&mut o, "callId", call_id)?,
        _ => return Err(ChatProtoError::Invalid("event routed to the wrong encoder")),
    }
    Ok(o)
}
