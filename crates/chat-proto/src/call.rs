//! WebRTC call signalling carried by `x.call.*` (reference `Simplex.Chat.Call`).

use serde::{Deserialize, Serialize};

text_enum!(
    /// Audio or video.
    CallMedia {
        /// Audio only.
        Audio = "audio",
        /// Video.
        Video = "video",
    }
);

/// What the caller can do.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CallCapabilities {
    /// End-to-end encryption of media frames.
    pub encryption: bool,
}

/// The kind of call.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CallType {
    /// Audio or video.
    pub media: CallMedia,
    /// Capabilities.
    pub capabilities: CallCapabilities,
}

/// `x.call.inv`: the call offer to a contact.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallInvitation {
    /// The kind of call.
    pub call_type: CallType,
    /// The caller's X25519 key for media encryption (base64url DER).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_dh_pub_key: Option<String>,
}

/// A WebRTC session description and ICE candidates (compressed text).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebRtcSession {
    /// The offer or answer.
    pub rtc_session: String,
    /// The ICE candidates.
    pub rtc_ice_candidates: String,
}

/// `x.call.offer`: the callee's WebRTC offer.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallOffer {
    /// The kind of call.
    pub call_type: CallType,
    /// The session.
    pub rtc_session: WebRtcSession,
    /// The callee's X25519 key for media encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_dh_pub_key: Option<String>,
}

/// `x.call.answer`: the caller's WebRTC answer.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallAnswer {
    /// The session.
    pub rtc_session: WebRtcSession,
}

/// Additional ICE candidates.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebRtcExtraInfo {
    /// The ICE candidates.
    pub rtc_ice_candidates: String,
}

/// `x.call.extra`: more ICE candidates.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallExtraInfo {
    /// The candidates.
    pub rtc_extra_info: WebRtcExtraInfo,
}
