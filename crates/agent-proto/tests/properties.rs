//! Property tests: every binary type round-trips (through the reference's documented
//! lossy spots, see `common::strategies`), every text form round-trips, and no decoder
//! or parser panics on arbitrary input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use agent_proto::agent_envelope::AgentMsgEnvelope;
use agent_proto::agent_message::{AMessage, AgentMessage};
use agent_proto::conn_request::ConnectionRequest;
use agent_proto::e2e_params::{E2ERatchetParams, E2ERatchetParamsUri, KemParams, ParamsUriText};
use agent_proto::envelope::{ClientMessage, ClientMsgEnvelope};
use agent_proto::link_data::{
    ConnLinkData, FixedLinkData, OwnerAuth, UserContactData, UserLinkData,
};
use agent_proto::queue_uri::{SmpQueueInfo, SmpQueueUri, SndQAddr};
use agent_proto::relay::RelayAddr;
use agent_proto::short_link::{ShortLink, ShortLinkScheme};
use common::strategies::*;
use proptest::prelude::*;
use simplex_encoding::{Decode, Encode};

fn rt<T: Encode + Decode + PartialEq + std::fmt::Debug>(v: &T) -> Result<(), TestCaseError> {
    let bytes = v.to_bytes();
    prop_assert_eq!(&T::from_bytes(&bytes).unwrap(), v);
    Ok(())
}

fn rt_norm<T: Encode + Decode + PartialEq + std::fmt::Debug>(
    v: &T,
    expected: &T,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(&T::from_bytes(&v.to_bytes()).unwrap(), expected);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn relay_and_queue_addresses(
        r in relay(0),
        q in queue_uri(),
        i in queue_info(),
        s in snd_q_addr(),
    ) {
        rt(&r)?;
        rt(&s)?;
        rt_norm(&q, &norm_queue_uri(q.clone()))?;
        rt_norm(&i, &norm_queue_info(i.clone()))?;
        prop_assert_eq!(RelayAddr::parse_text(&r.to_text()).ok(), (!r.key_hash.is_empty()).then_some(r));
    }

    #[test]
    fn queue_uri_text(q in queue_uri()) {
        let s = q.to_text();
        prop_assert_eq!(SmpQueueUri::parse_text(&s).unwrap(), q);
    }

    #[test]
    fn e2e_params_round_trip(p in e2e_params(false), u in e2e_params_uri(false), k in kem_params()) {
        rt(&p)?;
        rt(&u)?;
        rt(&k)?;
        prop_assert_eq!(E2ERatchetParamsUri::parse_text(&u.to_text()).unwrap(), norm_e2e_uri_text(u));
    }

    #[test]
    fn connection_requests(cr in conn_request(1), cr2 in conn_request(2)) {
        rt_norm(&cr, &norm_conn_request_bin(cr.clone()))?;
        let s = cr2.to_text();
        prop_assert_eq!(ConnectionRequest::parse_text(&s).unwrap(), norm_conn_request_text(cr2));
    }

    #[test]
    fn short_links(l in short_link()) {
        rt_norm(&l, &l.clone().with_scheme(ShortLinkScheme::Server))?;
        let s = l.to_text();
        prop_assert_eq!(ShortLink::parse_text(&s).unwrap(), l);
    }

    #[test]
    fn link_data(
        f in fixed_link_data(),
        c in conn_link_data(),
        u in user_contact_data(),
        o in owner_auth(),
        d in user_link_data(),
    ) {
        rt(&f)?;
        rt(&c)?;
        rt(&u)?;
        rt(&o)?;
        rt(&d)?;
    }

    #[test]
    fn envelopes(
        e in client_msg_envelope(),
        m in client_message(),
        a in agent_msg_envelope(),
    ) {
        rt(&e)?;
        rt(&m)?;
        rt(&a)?;
    }

    #[test]
    fn agent_messages(m in agent_message(), a in a_message()) {
        rt(&m)?;
        rt(&a)?;
        prop_assert_eq!(m.hash(), simplex_crypto::hash::sha256(&m.to_bytes()));
    }

    #[test]
    fn decoders_never_panic(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        decode_all(&b);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,200}") {
        parse_all(&s);
    }

    #[test]
    fn parsers_never_panic_near_valid(l in short_link(), cr in conn_request(2), q in queue_uri(), cut in any::<prop::sample::Index>(), c in any::<char>()) {
        for s in [l.to_text(), cr.to_text(), q.to_text()] {
            let i = cut.index(s.len() + 1);
            let i = (0..=i).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
            parse_all(&s[..i]);
            let mut t = s.clone();
            t.insert(i, c);
            parse_all(&t);
        }
    }

    #[test]
    fn decoders_never_panic_near_valid(a in agent_msg_envelope(), f in fixed_link_data(), cut in any::<prop::sample::Index>(), x in any::<u8>()) {
        for b in [a.to_bytes(), f.to_bytes()] {
            let i = cut.index(b.len());
            decode_all(&b[..i]);
            let mut t = b.clone();
            t[i] ^= x;
            decode_all(&t);
        }
    }
}

fn decode_all(b: &[u8]) {
    let _ = RelayAddr::from_bytes(b);
    let _ = SmpQueueUri::from_bytes(b);
    let _ = SmpQueueInfo::from_bytes(b);
    let _ = SndQAddr::from_bytes(b);
    let _ = E2ERatchetParams::from_bytes(b);
    let _ = E2ERatchetParamsUri::from_bytes(b);
    let _ = KemParams::from_bytes(b);
    let _ = ConnectionRequest::from_bytes(b);
    let _ = ShortLink::from_bytes(b);
    let _ = FixedLinkData::from_bytes(b);
    let _ = ConnLinkData::from_bytes(b);
    let _ = UserContactData::from_bytes(b);
    let _ = OwnerAuth::from_bytes(b);
    let _ = UserLinkData::from_bytes(b);
    let _ = ClientMsgEnvelope::from_bytes(b);
    let _ = ClientMessage::from_bytes(b);
    let _ = AgentMsgEnvelope::from_bytes(b);
    let _ = AgentMessage::from_bytes(b);
    let _ = AMessage::from_bytes(b);
}

fn parse_all(s: &str) {
    let _ = RelayAddr::parse_text(s);
    let _ = SmpQueueUri::parse_text(s);
    let _ = ConnectionRequest::parse_text(s);
    let _ = ShortLink::parse_text(s);
    let _ = E2ERatchetParamsUri::parse_text(s);
}
