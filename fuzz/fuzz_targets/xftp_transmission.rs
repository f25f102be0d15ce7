//! Fuzz target `xftp_transmission`: a 16 KB XFTP block (the input, padded, or the raw
//! input when it does not fit) through the server and client block decoders. What the
//! server accepts must have its command at the end of the authorized bytes and must
//! re-encode into a block that decodes the same.
#![no_main]

use simplex_crypto::pad::pad;
use xftp_proto::transmission::{decode_request, decode_response, encode_block, transmission_body};
use xftp_proto::versions::BLOCK_SIZE;

const SESSION: [u8; 32] = [7; 32];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let block = pad(data, BLOCK_SIZE).unwrap_or_else(|_| data.to_vec());
    let _ = decode_response(&SESSION, &block);
    let Ok(req) = decode_request(&SESSION, &block) else {
        return;
    };
    let cmd = req.command.to_bytes();
    assert!(
        req.authorized.ends_with(&cmd),
        "authorized bytes end with the command"
    );
    let body = transmission_body(&SESSION, &req.corr_id, &req.entity_id, &cmd);
    let auth = match &req.auth {
        Some(smp_proto::transmission::TAuth::Signature(s)) => s.clone(),
        Some(smp_proto::transmission::TAuth::Authenticator(a)) => a.clone(),
        None => Vec::new(),
    };
    let again = encode_block(&auth, &body).expect("re-encoded block fits");
    let req2 = decode_request(&SESSION, &again).expect("re-encoded block decodes");
    assert_eq!(req2.command, req.command);
    assert_eq!(req2.corr_id, req.corr_id);
    assert_eq!(req2.entity_id, req.entity_id);
});
