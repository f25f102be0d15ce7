//! Commands, responses and error codes: the text-tagged payloads of transmissions.

use crate::{split_selector, version_from};
use simplex_encoding::{Reader, Version};
use smp_proto::error::{BlockingInfo, ErrorType};
use smp_proto::versions::{BLOCKED_ENTITY_V, CLIENT_NOTICES_V, DELETED_EVENT_V, SERVICE_CERTS_V};
use smp_proto::{BrokerMsg, Command};

/// `smp_command`: `Command::parse` at the version chosen by the first byte; whatever
/// parses must re-encode to bytes that parse to the same command.
pub fn check_command(data: &[u8]) {
    let Some((sel, body)) = split_selector(data) else {
        return;
    };
    let v = version_from(sel);
    let Ok(cmd) = Command::parse(v, body) else {
        return;
    };
    let enc = cmd.to_bytes(v);
    match Command::parse(v, &enc) {
        Ok(again) => assert_eq!(again, cmd, "v{v}: command changed after re-encoding"),
        Err(e) => panic!("v{v}: re-encoded command {cmd:?} does not parse: {e:?}"),
    }
    // The credential rules are total: they never panic, whatever the entity.
    let _ = cmd.check_credentials(true, &smp_proto::EntityId::empty());
}

/// `smp_response`: `BrokerMsg::parse` likewise. A relay encodes some responses
/// differently for older clients (see [`downgraded`]); the re-parsed value must be that.
pub fn check_response(data: &[u8]) {
    let Some((sel, body)) = split_selector(data) else {
        return;
    };
    let v = version_from(sel);
    let Ok(msg) = BrokerMsg::parse(v, body) else {
        return;
    };
    let enc = msg.to_bytes(v);
    let again = match BrokerMsg::parse(v, &enc) {
        Ok(again) => again,
        Err(e) => panic!("v{v}: re-encoded response {msg:?} does not parse: {e:?}"),
    };
    assert_eq!(
        again,
        downgraded(&msg, v),
        "v{v}: response changed after re-encoding"
    );
}

/// What a client of version `v` receives for `msg`: `SOK` is `OK` before v16, `DELD` is
/// `END` before v10, `ERR BLOCKED` is `ERR AUTH` before v12 and has no notice before v18.
pub fn downgraded(msg: &BrokerMsg, v: Version) -> BrokerMsg {
    match msg {
        BrokerMsg::Sok(_) if v < SERVICE_CERTS_V => BrokerMsg::Ok,
        BrokerMsg::Deld if v < DELETED_EVENT_V => BrokerMsg::End,
        BrokerMsg::Err(ErrorType::Blocked(_)) if v < BLOCKED_ENTITY_V => {
            BrokerMsg::Err(ErrorType::Auth)
        }
        BrokerMsg::Err(ErrorType::Blocked(info)) if v < CLIENT_NOTICES_V => {
            BrokerMsg::Err(ErrorType::Blocked(BlockingInfo {
                reason: info.reason,
                notice: None,
            }))
        }
        other => other.clone(),
    }
}

/// Parses a whole error text (nothing may be left over).
pub fn parse_error(b: &[u8]) -> Option<ErrorType> {
    let mut r = Reader::new(b);
    let e = ErrorType::parse(&mut r).ok()?;
    r.finish().ok()?;
    Some(e)
}

/// `error_type`: `ErrorType::parse` of a whole input; the text form must parse back to the
/// same error, and every version's form must parse to the downgraded error.
pub fn check_error_type(data: &[u8]) {
    let Some(e) = parse_error(data) else {
        return;
    };
    let mut enc = Vec::new();
    e.encode(&mut enc);
    let again = match parse_error(&enc) {
        Some(again) => again,
        None => panic!("re-encoded error {e:?} does not parse"),
    };
    assert_eq!(again, e, "error changed after re-encoding");
    for v in [6, 11, 12, 17, 18] {
        let mut out = Vec::new();
        e.encode_for(v, &mut out);
        let expected = downgraded(&BrokerMsg::Err(e.clone()), v);
        assert_eq!(
            parse_error(&out).map(BrokerMsg::Err),
            Some(expected),
            "v{v}: versioned error text"
        );
    }
}
