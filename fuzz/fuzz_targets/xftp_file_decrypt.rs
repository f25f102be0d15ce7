//! Fuzz target `xftp_file_decrypt`: the XFTP file decryptor never panics on any
//! authentic stream. The input is taken as the *plaintext* stream (length prefix,
//! header, file, padding), encrypted with the right key and tag so that the length and
//! header parsing behind the tag check is reached; accepted files fit in the stream.
#![no_main]

use simplex_crypto::SbKey;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let key = SbKey::from_bytes([7; 32]);
    let nonce = [9u8; 24];
    let boxed = simplex_crypto::sbox::sb_encrypt_no_pad(&key, &nonce, data);
    let (tag, ct) = boxed.split_at(16);
    let enc = [ct, tag].concat();
    if let Ok((header, file)) = xftp_desc::decrypt_bytes(&key, &nonce, &enc) {
        assert!(file.len() + 8 <= data.len(), "{header:?}");
    }
    // the same bytes with a wrong tag are always refused
    let mut bad = enc.clone();
    if let Some(last) = bad.last_mut() {
        *last ^= 1;
    }
    assert!(xftp_desc::decrypt_bytes(&key, &nonce, &bad).is_err());
});
