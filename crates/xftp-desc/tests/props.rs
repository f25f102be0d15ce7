//! Property tests: descriptions survive YAML, link and web-fragment round trips, and
//! the chunk plan covers its payload as the reference's rule says.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use simplex_crypto::{AuthAlgorithm, PrivateAuthKey, SbKey};
use xftp_desc::{
    ChunkReplica, FileChunk, FileDescription, FileDescriptionUri, FileParty, RedirectInfo,
    ReplicaKey, SERVER_CHUNK_SIZES, ValidFileDescription, XftpServer, decode_web_fragment,
    encode_web_fragment, parse_size, prepare_chunk_sizes, size_to_string,
};

fn replica_key(seed: u8) -> ReplicaKey {
    let k = PrivateAuthKey::Ed25519(simplex_crypto::Ed25519Secret::from_bytes(&[seed; 32]));
    assert_eq!(k.algorithm(), AuthAlgorithm::Ed25519);
    ReplicaKey::from_key(&k)
}

fn server() -> impl Strategy<Value = XftpServer> {
    (
        "[a-z]{1,8}\\.(com|onion)",
        prop_oneof![Just(String::new()), (1u16..).prop_map(|p| p.to_string())],
        any::<[u8; 32]>(),
    )
        .prop_map(|(h, port, kh)| XftpServer {
            hosts: vec![h],
            port,
            key_hash: kh.to_vec(),
        })
}

fn description() -> impl Strategy<Value = FileDescription> {
    let chunk = (
        prop::sample::select(SERVER_CHUNK_SIZES.to_vec()),
        any::<[u8; 32]>(),
        prop::collection::vec(
            (
                server(),
                prop::collection::vec(any::<u8>(), 1..24),
                any::<u8>(),
            ),
            1..4,
        ),
    );
    (
        any::<bool>(),
        any::<[u8; 32]>(),
        any::<[u8; 24]>(),
        prop::collection::vec(chunk, 0..6),
        prop::option::of((1u64..1 << 40, any::<[u8; 64]>())),
        prop::sample::select(SERVER_CHUNK_SIZES.to_vec()),
    )
        .prop_map(|(sender, key, nonce, chunks, redirect, chunk_size)| {
            let chunks: Vec<FileChunk> = chunks
                .into_iter()
                .zip(1u32..)
                .map(|((size, digest, replicas), no)| FileChunk {
                    chunk_no: no,
                    chunk_size: size,
                    digest: digest.to_vec(),
                    replicas: replicas
                        .into_iter()
                        .map(|(server, id, seed)| ChunkReplica {
                            server,
                            replica_id: id,
                            replica_key: replica_key(seed),
                        })
                        .collect(),
                })
                .collect();
            FileDescription {
                party: if sender {
                    FileParty::Sender
                } else {
                    FileParty::Recipient
                },
                size: chunks.iter().map(|c| u64::from(c.chunk_size)).sum(),
                digest: [7u8; 64].to_vec(),
                key: SbKey::from_bytes(key),
                nonce,
                chunk_size,
                chunks,
                redirect: redirect.map(|(size, d)| RedirectInfo {
                    size,
                    digest: d.to_vec(),
                }),
            }
        })
}

/// The description after one pass through YAML.
fn canonical(d: &FileDescription) -> FileDescription {
    FileDescription::from_yaml(&d.to_yaml()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn yaml_round_trip(d in description()) {
        // The YAML lists replicas by server, so a chunk's replicas come back in server
        // order (as in the reference); after that first pass the text is a fixed point.
        let c = canonical(&d);
        prop_assert_eq!(&FileDescription::from_yaml(&c.to_yaml()).unwrap(), &c);
        prop_assert_eq!(c.chunks.len(), d.chunks.len());
        for (a, b) in c.chunks.iter().zip(&d.chunks) {
            prop_assert_eq!((a.chunk_no, a.chunk_size, &a.digest), (b.chunk_no, b.chunk_size, &b.digest));
            let ids = |ch: &FileChunk| {
                let mut v: Vec<_> = ch.replicas.iter().map(|r| (r.server.to_string(), r.replica_id.clone(), r.replica_key.der().to_vec())).collect();
                v.sort();
                v
            };
            prop_assert_eq!(ids(a), ids(b));
        }
        prop_assert_eq!((c.party, c.size, &c.digest, &c.key, c.nonce, c.chunk_size, &c.redirect),
            (d.party, d.size, &d.digest, &d.key, d.nonce, d.chunk_size, &d.redirect));
    }

    #[test]
    fn links_round_trip(d in description()) {
        let mut d = canonical(&d);
        d.party = FileParty::Recipient;
        let v: ValidFileDescription = d.validate().unwrap();
        let uri = FileDescriptionUri::new(v.clone());
        prop_assert_eq!(FileDescriptionUri::decode(&uri.encode()).unwrap(), uri);
        prop_assert_eq!(decode_web_fragment(&encode_web_fragment(&v).unwrap()).unwrap(), v);
    }

    #[test]
    fn size_text_round_trip(n in 0u64..1 << 50) {
        prop_assert_eq!(parse_size(&size_to_string(n)).unwrap(), n);
    }

    #[test]
    fn chunk_plan_covers_payload(size in 1u64..64 << 20) {
        let sizes = prepare_chunk_sizes(size);
        let total: u64 = sizes.iter().map(|&s| u64::from(s)).sum();
        prop_assert!(total >= size);
        prop_assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "big chunks first");
        let smallest = u64::from(*sizes.iter().min().unwrap());
        prop_assert!(total - size < smallest, "no whole spare chunk");
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,300}") {
        let _ = FileDescription::from_yaml(&s);
        let _ = FileDescriptionUri::decode(&s);
        let _ = decode_web_fragment(&s);
    }
}
