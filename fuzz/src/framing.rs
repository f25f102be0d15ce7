//! Transmissions, batches and 16 KB blocks: how commands are framed on the wire.

use crate::{split_selector, version_from};
use simplex_crypto::sbchain::ChainKey;
use smp_proto::batch::{BATCH_BUDGET, Batch, batch_transmissions, parse_batch};
use smp_proto::block::{self, BlockError};
use smp_proto::transmission::{self, RawTransmission, TParams, authorized_bytes};
use smp_proto::versions::BLOCK_SIZE;

/// The session id the transmission target assumes (seeds use it too).
pub const SESSION_ID: [u8; 32] = [0x5a; 32];

/// Transmission parameters for a version (v6 sends the session id, v7+ implies it).
pub fn params(v: u16) -> TParams {
    TParams {
        version: v,
        session_id: SESSION_ID.to_vec(),
    }
}

/// Re-encodes a parsed transmission as a client would send it.
fn reencode(p: &TParams, raw: &RawTransmission) -> Vec<u8> {
    let auth: &[u8] = match &raw.auth {
        None => &[],
        Some(transmission::TAuth::Signature(a) | transmission::TAuth::Authenticator(a)) => a,
    };
    transmission::encode(
        p,
        auth,
        raw.service_sig.as_deref(),
        &raw.corr_id,
        &raw.entity_id,
        &raw.command,
    )
}

/// `transmission`: `transmission::parse` at the version of the first byte, so with an
/// explicit session id (v6) and an implied one (v7+). The authorized bytes must be what
/// `authorized_bytes` computes, and re-encoding must give the same transmission.
pub fn check_transmission(data: &[u8]) {
    let Some((sel, body)) = split_selector(data) else {
        return;
    };
    let p = params(version_from(sel));
    let raw = match transmission::parse(&p, body) {
        Ok(raw) => raw,
        Err(e) => {
            assert!(e.corr_id.as_bytes().len() <= 255);
            return;
        }
    };
    let expected = authorized_bytes(&p.session_id, &raw.corr_id, &raw.entity_id, &raw.command);
    assert_eq!(raw.authorized, expected, "authorized bytes");
    let enc = reencode(&p, &raw);
    let again = match transmission::parse(&p, &enc) {
        Ok(t) => t,
        Err(e) => panic!("re-encoded transmission does not parse: {e:?}"),
    };
    assert_eq!(again.auth, raw.auth, "auth");
    assert_eq!(again.service_sig, raw.service_sig, "service signature");
    assert_eq!(again.authorized, raw.authorized, "authorized bytes");
    assert_eq!(again.corr_id, raw.corr_id, "corrId");
    assert_eq!(again.entity_id, raw.entity_id, "entity");
    assert_eq!(again.command, raw.command, "command");
}

/// `batch`: `parse_batch` of a block content. Re-encoding the parts must give the input
/// back, and re-packing them must give blocks that fit, parse, and keep the order.
pub fn check_batch(data: &[u8]) {
    let Ok(ts) = parse_batch(data) else {
        return;
    };
    assert!(!ts.is_empty() && ts.len() <= 255, "batch count");
    let mut enc = vec![u8::try_from(ts.len()).unwrap_or(0)];
    for t in &ts {
        let n = u16::try_from(t.len()).unwrap_or(u16::MAX);
        enc.extend_from_slice(&n.to_be_bytes());
        enc.extend_from_slice(t);
    }
    assert_eq!(enc, data, "batch changed after re-encoding");
    let owned: Vec<Vec<u8>> = ts.iter().map(|t| t.to_vec()).collect();
    let mut seen = 0usize;
    for b in batch_transmissions(&owned) {
        match b {
            Batch::Block(content, range) => {
                assert_eq!(range.start, seen, "batches keep the order");
                assert!(content.len() <= BATCH_BUDGET + 1, "batch over budget");
                assert!(
                    block::seal(&content, None).is_ok(),
                    "batch does not fit a block"
                );
                let parts = parse_batch(&content).unwrap_or_default();
                assert_eq!(parts, &ts[range.clone()], "re-packed batch");
                seen = range.end;
            }
            Batch::TooLarge(i) => {
                assert_eq!(i, seen, "batches keep the order");
                assert!(
                    owned[i].len() + 2 > BATCH_BUDGET,
                    "only oversized ones are refused"
                );
                seen = i + 1;
            }
        }
    }
    assert_eq!(seen, ts.len(), "every transmission is packed");
}

fn chain_key(sel: u8) -> ChainKey {
    ChainKey::from_bytes([sel; 32])
}

/// `block_open`: `block::open` without and with a chain key. The first byte picks the case:
/// the raw input as a block; the input padded to a block; the same with a chain key (which
/// must advance even when decryption fails); or a content sealed and opened again, which
/// must survive, and must fail once a byte of the block is flipped.
pub fn check_block_open(data: &[u8]) {
    let Some((sel, body)) = split_selector(data) else {
        return;
    };
    let mut block = body.to_vec();
    block.resize(BLOCK_SIZE, 0);
    match sel % 4 {
        0 => {
            if let Ok(content) = block::open(body, None) {
                assert_eq!(body.len(), BLOCK_SIZE);
                reseal_plain(&content);
            }
        }
        1 => {
            if let Ok(content) = block::open(&block, None) {
                reseal_plain(&content);
            }
        }
        2 => {
            let (mut ck, mut expected) = (chain_key(sel), chain_key(sel));
            let opened = block::open(&block, Some(&mut ck));
            let _ = expected.next();
            assert_eq!(ck.as_bytes(), expected.as_bytes(), "chain key must advance");
            if let Ok(content) = opened {
                assert!(content.len() <= BLOCK_SIZE - 18);
            }
        }
        _ => sealed_round_trip(sel, body),
    }
}

fn reseal_plain(content: &[u8]) {
    assert!(
        content.len() <= BLOCK_SIZE - 2,
        "content longer than a block"
    );
    let sealed = match block::seal(content, None) {
        Ok(b) => b,
        Err(e) => panic!("an opened content must seal again: {e}"),
    };
    assert_eq!(block::open(&sealed, None).ok().as_deref(), Some(content));
}

fn sealed_round_trip(sel: u8, content: &[u8]) {
    let (mut tx, mut rx) = (chain_key(sel), chain_key(sel));
    let sealed = match block::seal(content, Some(&mut tx)) {
        Ok(b) => b,
        Err(BlockError::TooLarge) => {
            assert!(content.len() > BLOCK_SIZE - 18, "fitting content refused");
            return;
        }
        Err(e) => panic!("unexpected seal error {e}"),
    };
    assert_eq!(sealed.len(), BLOCK_SIZE);
    let mut flipped = sealed.clone();
    let at = usize::from(sel) * 61 % BLOCK_SIZE;
    flipped[at] ^= 1 << (sel % 8);
    let mut rx2 = chain_key(sel);
    assert_eq!(
        block::open(&sealed, Some(&mut rx)).ok().as_deref(),
        Some(content)
    );
    assert!(
        block::open(&flipped, Some(&mut rx2)).is_err(),
        "tampered block opened"
    );
}
