//! The reference's file description fixture, parsed and re-encoded byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use simplex_encoding::base64url;
use xftp_desc::{
    ChunkReplica, DescError, FileChunk, FileDescription, FileDescriptionUri, FileParty, ReplicaKey,
    ServiceScheme, XftpServer, decode_web_fragment, encode_web_fragment, mb,
};

mod common;

/// simplexmq `tests/fixtures/file_description.yaml` (literal).
const FIXTURE: &str = "chunkSize: 8mb
digest: YWJj
key: 00n8p1tJq5E-SGnHcYTOrS4A9I07gTA_WFD6MTFFFOY=
nonce: dPSF-wrQpDiK_K6sYv0BDBZ9S4dg-jmu
party: recipient
replicas:
- chunks:
  - 1:YWJj:MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe:Z2hp
  - 3:YWJj:MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe:Z2hp
  server: xftp://abc=@example1.com
- chunks:
  - 2:YWJj:MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe:Z2hp
  - 4:YWJj:MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe:Z2hp:2mb
  server: xftp://abc=@example2.com
- chunks:
  - 1:YWJj:MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe
  - 4:YWJj:MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe
  server: xftp://abc=@example3.com
- chunks:
  - 2:YWJj:MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe
  - 3:YWJj:MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe
  server: xftp://abc=@example4.com
size: 26mb
";

/// `fileDesc` of simplexmq `tests/FileDescriptionTests.hs` (lines 46-100), built by hand.
fn expected() -> FileDescription {
    let (key, nonce) = common::reference_key_nonce();
    let replica_key = ReplicaKey::from_pkcs8(
        &base64url::decode("MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe")
            .unwrap(),
    )
    .unwrap();
    let srv = |n: u32| XftpServer::parse(&format!("xftp://abc=@example{n}.com")).unwrap();
    let chunk = |no: u32, size: u64, servers: [u32; 2]| FileChunk {
        chunk_no: no,
        chunk_size: size as u32,
        digest: b"ghi".to_vec(),
        replicas: servers
            .iter()
            .map(|&s| ChunkReplica {
                server: srv(s),
                replica_id: b"abc".to_vec(),
                replica_key: replica_key.clone(),
            })
            .collect(),
    };
    FileDescription {
        party: FileParty::Recipient,
        size: mb(26),
        digest: b"abc".to_vec(),
        key,
        nonce,
        chunk_size: mb(8) as u32,
        chunks: vec![
            chunk(1, mb(8), [1, 3]),
            chunk(2, mb(8), [2, 4]),
            chunk(3, mb(8), [1, 4]),
            chunk(4, mb(2), [2, 3]),
        ],
        redirect: None,
    }
}

#[test]
fn parse_fixture() {
    assert_eq!(FileDescription::from_yaml(FIXTURE).unwrap(), expected());
}

#[test]
fn serialize_fixture_byte_for_byte() {
    assert_eq!(expected().to_yaml(), FIXTURE);
    assert_eq!(
        FileDescription::from_yaml(FIXTURE).unwrap().to_yaml(),
        FIXTURE
    );
}

#[test]
fn fixture_is_valid_and_uri_round_trips() {
    let vfd = expected().validate().unwrap();
    let uri = FileDescriptionUri::new(vfd.clone());
    let text = uri.encode();
    assert!(
        text.starts_with("simplex:/file#/?desc=chunkSize%3A%208mb%0Adigest%3A%20YWJj%0A"),
        "{text}"
    );
    assert_eq!(FileDescriptionUri::decode(&text).unwrap(), uri);
    let with_data = FileDescriptionUri {
        scheme: ServiceScheme::AppServer {
            host: "simplex.chat".into(),
            port: None,
        },
        description: vfd.clone(),
        client_data: Some("{\"something\":\"extra\",\"more\":true}".into()),
    };
    let text = with_data.encode();
    assert!(text.starts_with("https://simplex.chat/file#/?desc="));
    assert!(text.ends_with("&data=%7B%22something%22%3A%22extra%22%2C%22more%22%3Atrue%7D"));
    assert_eq!(FileDescriptionUri::decode(&text).unwrap(), with_data);
    // the optional '/' after "file" and '+' as space are accepted
    let alt = text.replacen("/file#", "/file/#", 1).replace("%20", "+");
    assert_eq!(FileDescriptionUri::decode(&alt).unwrap(), with_data);
}

#[test]
fn web_fragment_round_trips() {
    let vfd = expected().validate().unwrap();
    let frag = encode_web_fragment(&vfd).unwrap();
    assert!(frag.len() < FIXTURE.len());
    assert_eq!(decode_web_fragment(&frag).unwrap(), vfd);
    assert!(decode_web_fragment("AAAA").is_err());
}

#[test]
fn validation_errors() {
    let mut d = expected();
    d.chunks.swap(1, 2);
    assert!(matches!(d.validate(), Err(DescError::ChunkNumbers)));
    let mut d = expected();
    d.size += 1;
    assert!(matches!(d.validate(), Err(DescError::ChunksSize)));
    let mut d = expected();
    d.party = FileParty::Sender;
    let v = d.validate().unwrap();
    assert!(matches!(
        v.clone().expect_party(FileParty::Recipient),
        Err(DescError::WrongParty { .. })
    ));
    assert!(FileDescriptionUri::decode(&FileDescriptionUri::new(v).encode()).is_err());
}

#[test]
fn parse_errors() {
    // chunk 1 loses the digest on its only first-replica line
    let no_digest = FIXTURE.replacen(":Z2hp\n  - 3:", "\n  - 3:", 1);
    assert!(matches!(
        FileDescription::from_yaml(&no_digest),
        Err(DescError::NoChunkDigest)
    ));
    let mismatch = FIXTURE.replacen(":Z2hp:2mb", ":Z2hp:1mb\n  - 4:YWJj:MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe:Z2hp:2mb", 1);
    assert!(matches!(
        FileDescription::from_yaml(&mismatch),
        Err(DescError::ReplicaMismatch)
    ));
    for (from, to) in [
        ("party: recipient", "party: other"),
        ("size: 26mb", "size: 26 mb"),
        ("nonce: dPSF", "nonce: dP"),
        (
            "server: xftp://abc=@example1.com",
            "server: smp://abc=@example1.com",
        ),
        ("1:YWJj:MC4C", "x:YWJj:MC4C"),
        ("1:YWJj:MC4CAQAwBQYDK2Vw", "1:YWJj:MC4CAQAwBQYDK2Vx"),
    ] {
        let bad = FIXTURE.replacen(from, to, 1);
        assert!(FileDescription::from_yaml(&bad).is_err(), "{to}");
    }
    assert!(FileDescription::from_yaml("[1, 2").is_err());
    assert!(FileDescription::from_yaml("").is_err());
    // oversized text is refused before parsing
    let huge = format!(
        "{FIXTURE}#{}",
        " ".repeat(xftp_desc::yaml::MAX_DESCRIPTION_LEN)
    );
    assert!(matches!(
        FileDescription::from_yaml(&huge),
        Err(DescError::Field {
            field: "description",
            ..
        })
    ));
    // a second document after the description is not accepted
    assert!(FileDescription::from_yaml(&format!("{FIXTURE}---\nparty: sender\n")).is_err());
}
