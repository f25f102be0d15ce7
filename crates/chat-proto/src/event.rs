//! Chat events (`ChatMsgEvent`): one variant per `event` name of the reference, with
//! the values of its `params`. The JSON forms are in `event_codec`.

use crate::call::{CallAnswer, CallExtraInfo, CallInvitation, CallOffer};
use crate::container::{Mentions, MsgContainer, MsgPrefs, MsgReaction, MsgScope};
use crate::content::MsgContent;
use crate::file::{FileDescr, FileInvitation};
use crate::group::{
    GroupInvitation, GroupLinkInvitation, GroupLinkRejection, IntroInvitation, MemberInfo,
    MemberRestrictions,
};
use crate::ids::{B64Bytes, CallId, MemberId, Probe, ProbeHash, SharedMsgId, XContactId};
use crate::json::Object;
use crate::message::ChatMessage;
use crate::prefs::GroupPreferences;
use crate::profile::{GroupProfile, Profile};
use crate::role::{GroupAcceptance, GroupMemberRole};
use crate::time::UtcTime;

/// Who sent a message a group host or relay forwards.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FwdSender {
    /// A member.
    Member {
        /// The member's id.
        member_id: MemberId,
        /// The member's name (empty when the sender did not give one).
        member_name: String,
    },
    /// The channel itself.
    Channel,
}

/// The forwarding header: original sender and the time the forwarder received it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GrpMsgForward {
    /// The original sender.
    pub sender: FwdSender,
    /// When the forwarder received it from the relay.
    pub broker_ts: UtcTime,
}

/// A chat event with its parameters.
#[derive(Clone, PartialEq, Debug)]
#[allow(missing_docs)] // fields are named as the reference's `params` keys
pub enum ChatMsgEvent {
    /// `x.msg.new`: a new message.
    MsgNew(Box<MsgContainer>),
    /// `x.msg.file.descr`: a further part of a file description.
    MsgFileDescr {
        msg_id: SharedMsgId,
        file_descr: FileDescr,
    },
    /// `x.msg.update`: an edit.
    MsgUpdate {
        msg_id: SharedMsgId,
        content: MsgContent,
        mentions: Mentions,
        ttl: Option<i64>,
        live: Option<bool>,
        scope: Option<MsgScope>,
        as_group: Option<bool>,
        prefs: Option<MsgPrefs>,
    },
    /// `x.msg.del`: a deletion (of a member's message when `member_id` is set).
    MsgDel {
        msg_id: SharedMsgId,
        member_id: Option<MemberId>,
        scope: Option<MsgScope>,
    },
    /// `x.msg.deleted`.
    MsgDeleted,
    /// `x.msg.react`: a reaction added or removed.
    MsgReact {
        msg_id: SharedMsgId,
        member_id: Option<MemberId>,
        scope: Option<MsgScope>,
        reaction: MsgReaction,
        add: bool,
    },
    /// `x.file`: a file offer (legacy).
    File(FileInvitation),
    /// `x.file.acpt`: file accepted (legacy direct file protocol).
    FileAcpt { file_name: String },
    /// `x.file.acpt.inv`: file accepted with a connection invitation.
    FileAcptInv {
        msg_id: SharedMsgId,
        file_conn_req: Option<String>,
        file_name: String,
    },
    /// `x.file.cancel`.
    FileCancel { msg_id: SharedMsgId },
    /// `x.info`: the sender's profile.
    Info(Profile),
    /// `x.contact`: a contact request via an address.
    Contact {
        profile: Profile,
        contact_req_id: Option<XContactId>,
        welcome_msg_id: Option<SharedMsgId>,
        /// The request message (`msgId` and `content`; kept only when both are present).
        request_msg: Option<(SharedMsgId, MsgContent)>,
    },
    /// `x.member`: joining as a member via a relay.
    Member {
        profile: Profile,
        new_member_id: MemberId,
        /// The member's public key (text form, kept verbatim).
        new_member_key: String,
    },
    /// `x.direct.del`: the contact was deleted.
    DirectDel,
    /// `x.grp.inv`.
    GrpInv(GroupInvitation),
    /// `x.grp.acpt`.
    GrpAcpt { member_id: MemberId },
    /// `x.grp.link.inv`.
    GrpLinkInv(GroupLinkInvitation),
    /// `x.grp.link.reject`.
    GrpLinkReject(GroupLinkRejection),
    /// `x.grp.link.mem`: the host's member profile.
    GrpLinkMem(Profile),
    /// `x.grp.link.acpt`: the host accepts a pending member.
    GrpLinkAcpt {
        acceptance: GroupAcceptance,
        role: GroupMemberRole,
        member_id: MemberId,
    },
    /// `x.grp.relay.inv`: invitation of a chat relay (object kept verbatim).
    GrpRelayInv(Object),
    /// `x.grp.relay.acpt`: the relay's link.
    GrpRelayAcpt { relay_link: String },
    /// `x.grp.relay.test`.
    GrpRelayTest {
        challenge: B64Bytes,
        signature: Option<B64Bytes>,
    },
    /// `x.grp.mem.new`: a new member announced.
    GrpMemNew {
        member_info: MemberInfo,
        scope: Option<MsgScope>,
    },
    /// `x.grp.mem.intro`: an existing member introduced to a new one.
    GrpMemIntro {
        member_info: MemberInfo,
        member_restrictions: Option<MemberRestrictions>,
    },
    /// `x.grp.mem.inv`: the new member's invitations for an introduced member.
    GrpMemInv {
        member_id: MemberId,
        member_intro: IntroInvitation,
    },
    /// `x.grp.mem.fwd`: those invitations forwarded by the host.
    GrpMemFwd {
        member_info: MemberInfo,
        member_intro: IntroInvitation,
    },
    /// `x.grp.mem.info`: a member's profile.
    GrpMemInfo {
        member_id: MemberId,
        profile: Profile,
    },
    /// `x.grp.mem.role`.
    GrpMemRole {
        member_id: MemberId,
        role: GroupMemberRole,
    },
    /// `x.grp.mem.restrict`.
    GrpMemRestrict {
        member_id: MemberId,
        member_restrictions: MemberRestrictions,
    },
    /// `x.grp.mem.con`.
    GrpMemCon { member_id: MemberId },
    /// `x.grp.mem.con.all`.
    GrpMemConAll { member_id: MemberId },
    /// `x.grp.mem.del`: a member removed (with their messages when `messages`).
    GrpMemDel { member_id: MemberId, messages: bool },
    /// `x.grp.leave`.
    GrpLeave,
    /// `x.grp.del`.
    GrpDel,
    /// `x.grp.info`: a new group profile.
    GrpInfo(GroupProfile),
    /// `x.grp.prefs`: new group preferences.
    GrpPrefs(GroupPreferences),
    /// `x.grp.direct.inv`: an invitation to a direct chat with a member.
    GrpDirectInv {
        conn_req: String,
        content: Option<MsgContent>,
        scope: Option<MsgScope>,
    },
    /// `x.grp.msg.forward`: a member's message forwarded by the host.
    GrpMsgForward {
        forward: GrpMsgForward,
        msg: Box<ChatMessage>,
    },
    /// `x.info.probe`.
    InfoProbe(Probe),
    /// `x.info.probe.check`.
    InfoProbeCheck(ProbeHash),
    /// `x.info.probe.ok`.
    InfoProbeOk(Probe),
    /// `x.call.inv`.
    CallInv {
        call_id: CallId,
        invitation: CallInvitation,
    },
    /// `x.call.offer`.
    CallOffer { call_id: CallId, offer: CallOffer },
    /// `x.call.answer`.
    CallAnswer { call_id: CallId, answer: CallAnswer },
    /// `x.call.extra`.
    CallExtra {
        call_id: CallId,
        extra: CallExtraInfo,
    },
    /// `x.call.end`.
    CallEnd { call_id: CallId },
    /// `x.ok`.
    Ok,
    /// An `x.…` event this implementation does not know, kept verbatim.
    Unknown { event: String, params: Object },
}

impl ChatMsgEvent {
    /// The event name (`x.msg.new`, ...).
    pub fn tag(&self) -> &str {
        use ChatMsgEvent as E;
        match self {
            E::MsgNew(_) => "x.msg.new",
            E::MsgFileDescr { .. } => "x.msg.file.descr",
            E::MsgUpdate { .. } => "x.msg.update",
            E::MsgDel { .. } => "x.msg.del",
            E::MsgDeleted => "x.msg.deleted",
            E::MsgReact { .. } => "x.msg.react",
            E::File(_) => "x.file",
            E::FileAcpt { .. } => "x.file.acpt",
            E::FileAcptInv { .. } => "x.file.acpt.inv",
            E::FileCancel { .. } => "x.file.cancel",
            E::Info(_) => "x.info",
            E::Contact { .. } => "x.contact",
            E::Member { .. } => "x.member",
            E::DirectDel => "x.direct.del",
            E::GrpInv(_) => "x.grp.inv",
            E::GrpAcpt { .. } => "x.grp.acpt",
            E::GrpLinkInv(_) => "x.grp.link.inv",
            E::GrpLinkReject(_) => "x.grp.link.reject",
            E::GrpLinkMem(_) => "x.grp.link.mem",
            E::GrpLinkAcpt { .. } => "x.grp.link.acpt",
            E::GrpRelayInv(_) => "x.grp.relay.inv",
            E::GrpRelayAcpt { .. } => "x.grp.relay.acpt",
            E::GrpRelayTest { .. } => "x.grp.relay.test",
            E::GrpMemNew { .. } => "x.grp.mem.new",
            E::GrpMemIntro { .. } => "x.grp.mem.intro",
            E::GrpMemInv { .. } => "x.grp.mem.inv",
            E::GrpMemFwd { .. } => "x.grp.mem.fwd",
            E::GrpMemInfo { .. } => "x.grp.mem.info",
            E::GrpMemRole { .. } => "x.grp.mem.role",
            E::GrpMemRestrict { .. } => "x.grp.mem.restrict",
            E::GrpMemCon { .. } => "x.grp.mem.con",
            E::GrpMemConAll { .. } => "x.grp.mem.con.all",
            E::GrpMemDel { .. } => "x.grp.mem.del",
            E::GrpLeave => "x.grp.leave",
            E::GrpDel => "x.grp.del",
            E::GrpInfo(_) => "x.grp.info",
            E::GrpPrefs(_) => "x.grp.prefs",
            E::GrpDirectInv { .. } => "x.grp.direct.inv",
            E::GrpMsgForward { .. } => "x.grp.msg.forward",
            E::InfoProbe(_) => "x.info.probe",
            E::InfoProbeCheck(_) => "x.info.probe.check",
            E::InfoProbeOk(_) => "x.info.probe.ok",
            E::CallInv { .. } => "x.call.inv",
            E::CallOffer { .. } => "x.call.offer",
            E::CallAnswer { .. } => "x.call.answer",
            E::CallExtra { .. } => "x.call.extra",
            E::CallEnd { .. } => "x.call.end",
            E::Ok => "x.ok",
            E::Unknown { event, .. } => event,
        }
    }

    /// Whether a group host forwards this event to other members (`isForwardedGroupMsg`;
    /// a message with an inline file is not forwarded).
    pub fn is_forwarded_group_msg(&self) -> bool {
        use ChatMsgEvent as E;
        match self {
            E::MsgNew(c) => c.file.as_ref().is_none_or(|f| f.file_inline.is_none()),
            E::MsgFileDescr { .. }
            | E::MsgUpdate { .. }
            | E::MsgDel { .. }
            | E::MsgReact { .. }
            | E::FileCancel { .. }
            | E::Info(_)
            | E::GrpMemNew { .. }
            | E::GrpMemRole { .. }
            | E::GrpMemRestrict { .. }
            | E::GrpMemDel { .. }
            | E::GrpLeave
            | E::GrpDel
            | E::GrpInfo(_)
            | E::GrpPrefs(_) => true,
            _ => false,
        }
    }

    /// Whether the event shows a notification (`hasNotification`).
    pub fn has_notification(&self) -> bool {
        matches!(
            self.tag(),
            "x.msg.new"
                | "x.file"
                | "x.contact"
                | "x.grp.inv"
                | "x.grp.mem.fwd"
                | "x.grp.del"
                | "x.call.inv"
        )
    }

    /// Whether a delivery receipt is sent for the event (`hasDeliveryReceipt`).
    pub fn has_delivery_receipt(&self) -> bool {
        matches!(self.tag(), "x.msg.new" | "x.grp.inv" | "x.call.inv")
    }

    /// Whether the event must be signed in relay groups (`requiresSignature`).
    pub fn requires_signature(&self) -> bool {
        matches!(
            self.tag(),
            "x.grp.del"
                | "x.grp.info"
                | "x.grp.prefs"
                | "x.grp.mem.del"
                | "x.grp.mem.role"
                | "x.grp.mem.restrict"
                | "x.grp.leave"
                | "x.info"
        )
    }
}
