//! Envelopes inside commands: the recipient's message plaintext and the proxy's
//! forwarded transmissions.

use simplex_encoding::{Decode, Encode};
use smp_proto::message::RcvMsgBody;
use smp_proto::proxy::{FwdResponse, FwdTransmission};

/// `rcv_msg_body`: `RcvMsgBody::parse` of a decrypted `MSG` plaintext; the encoded form
/// must parse to the same message.
pub fn check_rcv_msg_body(data: &[u8]) {
    let Ok(m) = RcvMsgBody::parse(data) else {
        return;
    };
    match RcvMsgBody::parse(&m.encode()) {
        Ok(again) => assert_eq!(again, m, "message body changed after re-encoding"),
        Err(e) => panic!("re-encoded message body does not parse: {e}"),
    }
}

/// `fwd_transmission`: the `RFWD` payload (`FwdTransmission`) and the `RRES` payload
/// (`FwdResponse`) decoded from the whole input; both must survive re-encoding.
pub fn check_fwd_transmission(data: &[u8]) {
    if let Ok(t) = FwdTransmission::from_bytes(data) {
        let again = FwdTransmission::from_bytes(&t.to_bytes());
        assert_eq!(again.ok(), Some(t), "forwarded transmission");
    }
    if let Ok(r) = FwdResponse::from_bytes(data) {
        assert_eq!(r.to_bytes(), data, "forwarded response is its own encoding");
        assert_eq!(FwdResponse::from_bytes(&r.to_bytes()).ok(), Some(r));
    }
}
