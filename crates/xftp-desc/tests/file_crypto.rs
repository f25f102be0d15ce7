//! File encryption: streaming equals the one-shot box, decryption inverts it, and
//! tampering or truncation is detected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use simplex_crypto::{CbNonce, SbKey};
use xftp_desc::{
    DescError, EncryptionPlan, FileHeader, chunk_digest, decrypt_bytes, decrypt_file,
    encrypt_bytes, file_digest,
};

mod common;
use common::reference_key_nonce as test_key;

/// The reference's one-shot form (`sbEncryptTailTag` of `pad(len ‖ header ‖ file)`),
/// derived from the one-shot secretbox of simplex-crypto with the tag moved to the end.
fn one_shot(
    key: &SbKey,
    nonce: &CbNonce,
    header: &FileHeader,
    data: &[u8],
    enc_size: usize,
) -> Vec<u8> {
    let hdr = header.encode().unwrap();
    let mut padded = ((hdr.len() + data.len()) as i64).to_be_bytes().to_vec();
    padded.extend_from_slice(&hdr);
    padded.extend_from_slice(data);
    padded.resize(enc_size - 16, b'#');
    let boxed = simplex_crypto::sbox::sb_encrypt_no_pad(key, nonce, &padded);
    let (tag, ct) = boxed.split_at(16);
    [ct, tag].concat()
}

#[test]
fn streaming_equals_one_shot_for_the_reference_key() {
    let (key, nonce) = test_key();
    let header = FileHeader::new("test.txt");
    for len in [0usize, 1, 100, 65536 - 33, 65536, 200_000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let (plan, enc) = encrypt_bytes(&key, &nonce, &header, &data).unwrap();
        assert_eq!(enc.len() as u64, plan.enc_size);
        assert_eq!(
            enc,
            one_shot(&key, &nonce, &header, &data, enc.len()),
            "len {len}"
        );
        let (h, out) = decrypt_bytes(&key, &nonce, &enc).unwrap();
        assert_eq!((h, out), (header.clone(), data));
    }
}

#[test]
fn sizes_follow_the_chunk_plan() {
    let header = FileHeader::new("a");
    // 0-byte file: 8 + 3 + 16 bytes of payload, one 64 KB chunk
    assert_eq!(
        EncryptionPlan::new(&header, 0).unwrap().chunk_sizes,
        [65536]
    );
    // payload exactly 64 KB: still one chunk; one more byte needs a second one
    let fits = 65536 - 8 - 3 - 16;
    assert_eq!(
        EncryptionPlan::new(&header, fits).unwrap().chunk_sizes,
        [65536]
    );
    assert_eq!(
        EncryptionPlan::new(&header, fits + 1).unwrap().chunk_sizes,
        [65536, 65536]
    );
    // a redirect description goes in one chunk of the smallest size that holds it
    let one = EncryptionPlan::single_chunk(&header, 300_000).unwrap();
    assert_eq!(
        (one.chunk_sizes.as_slice(), one.enc_size),
        (&[1_048_576u32][..], 1_048_576)
    );
    assert!(EncryptionPlan::single_chunk(&header, 5 << 20).is_err());
    assert!(matches!(
        EncryptionPlan::new(&header, 6 << 30),
        Err(DescError::FileTooLarge(_))
    ));
}

#[test]
fn digest_is_sha512_of_the_output() {
    let (key, nonce) = test_key();
    let header = FileHeader::new("d");
    let plan = EncryptionPlan::new(&header, 5).unwrap();
    let mut out = Vec::new();
    let r = xftp_desc::encrypt_file(&key, &nonce, &plan, &mut &b"hello"[..], &mut out).unwrap();
    assert_eq!(r.digest, simplex_crypto::hash::sha512(&out));
    assert_eq!(file_digest(&mut &out[..]).unwrap(), r.digest);
    assert_eq!(chunk_digest(&out), simplex_crypto::hash::sha256(&out));
}

#[test]
fn short_input_is_an_error() {
    let (key, nonce) = test_key();
    let plan = EncryptionPlan::new(&FileHeader::new("x"), 10).unwrap();
    let r = xftp_desc::encrypt_file(&key, &nonce, &plan, &mut &b"short"[..], &mut Vec::new());
    assert!(matches!(r, Err(DescError::Io(_))));
}

#[test]
fn tampering_and_truncation_are_detected() {
    let (key, nonce) = test_key();
    let (_, enc) = encrypt_bytes(&key, &nonce, &FileHeader::new("t"), &[5u8; 70_000]).unwrap();
    for pos in [0, 9, 70_000, enc.len() - 1] {
        let mut bad = enc.clone();
        bad[pos] ^= 1;
        let r = decrypt_bytes(&key, &nonce, &bad);
        assert!(r.is_err(), "flip at {pos}");
    }
    let mut bad = enc.clone();
    bad[100_000] ^= 0x80;
    assert!(matches!(
        decrypt_bytes(&key, &nonce, &bad),
        Err(DescError::InvalidAuthTag)
    ));
    let r = decrypt_file(
        &key,
        &nonce,
        enc.len() as u64,
        &mut &enc[..enc.len() - 1],
        |_| Ok(Vec::new()),
    );
    assert!(matches!(r, Err(DescError::Io(_))));
    let longer = [&enc[..], b"x"].concat();
    let r = decrypt_file(&key, &nonce, enc.len() as u64, &mut &longer[..], |_| {
        Ok(Vec::new())
    });
    assert!(matches!(r, Err(DescError::InvalidFileSize)));
    let (other, _) = (SbKey::from_bytes([9; 32]), ());
    assert!(decrypt_bytes(&other, &nonce, &enc).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn round_trip(data in proptest::collection::vec(any::<u8>(), 0..150_000), name in "[a-z.]{1,40}", k in any::<[u8; 32]>(), n in any::<[u8; 24]>()) {
        let key = SbKey::from_bytes(k);
        let header = FileHeader::new(&name);
        let (_, enc) = encrypt_bytes(&key, &n, &header, &data).unwrap();
        prop_assert_eq!(&enc, &one_shot(&key, &n, &header, &data, enc.len()));
        let (h, out) = decrypt_bytes(&key, &n, &enc).unwrap();
        prop_assert_eq!(h, header);
        prop_assert_eq!(out, data);
    }
}
