//! Credential generation, PEM files and fingerprints.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{FIXTURE_CA_CRT, FIXTURE_SERVER_CRT};
use openssl::nid::Nid;
use openssl::pkey::Id;
use openssl::x509::X509;
use simplex_transport::chain::{validate_path, verify_server_chain};
use simplex_transport::credentials::{CA_COMMON_NAME, CA_ORGANIZATION, generate_server_cert};
use simplex_transport::{
    Credentials, Error, ServerCredentials, SignAlgorithm, fingerprint, fingerprint_text,
    generate_credentials, parse_fingerprint,
};

fn entry(name: &openssl::x509::X509NameRef, nid: Nid) -> String {
    name.entries_by_nid(nid)
        .next()
        .unwrap()
        .data()
        .to_string()
        .unwrap()
}

#[test]
fn fixture_ca_fingerprint_matches_the_reference() {
    // Vector: tests/fixtures/ca.crt -> testKeyHash in tests/SMPClient.hs (simplexmq 92598c2).
    let ca = X509::from_pem(FIXTURE_CA_CRT.as_bytes()).unwrap();
    let fp = fingerprint(&ca).unwrap();
    assert_eq!(
        fingerprint_text(&fp),
        "LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI="
    );
    assert_eq!(
        parse_fingerprint("LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=").unwrap(),
        fp
    );
    assert_eq!(
        parse_fingerprint("LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI").unwrap(),
        fp
    );
}

#[test]
fn fixture_chain_validates() {
    let ca = X509::from_pem(FIXTURE_CA_CRT.as_bytes()).unwrap();
    let leaf = X509::from_pem(FIXTURE_SERVER_CRT.as_bytes()).unwrap();
    verify_server_chain(&[leaf, ca.clone()], &fingerprint(&ca).unwrap()).unwrap();
}

#[test]
fn fingerprint_text_rejects_bad_input() {
    for text in [
        "",
        "abc",
        "LcJUMfVhwD8yxjAiSaDzzGF3+kLG4Uh0Fl/ZIjrRwjI=",
        &"A".repeat(48),
    ] {
        assert!(
            matches!(parse_fingerprint(text), Err(Error::InvalidFingerprint)),
            "{text}"
        );
    }
}

#[test]
fn generated_certificates_have_the_reference_fields() {
    for alg in [SignAlgorithm::Ed25519, SignAlgorithm::Ed448] {
        let creds = generate_credentials(alg, "smp.example.com").unwrap();
        let key_id = match alg {
            SignAlgorithm::Ed25519 => Id::ED25519,
            SignAlgorithm::Ed448 => Id::ED448,
        };
        assert_eq!(creds.ca_key.id(), key_id);
        assert_eq!(creds.server_key.id(), key_id);
        assert_eq!(creds.ca_cert.version(), 2);
        assert_eq!(
            entry(creds.ca_cert.subject_name(), Nid::COMMONNAME),
            CA_COMMON_NAME
        );
        assert_eq!(
            entry(creds.ca_cert.subject_name(), Nid::ORGANIZATIONNAME),
            CA_ORGANIZATION
        );
        assert_eq!(
            entry(creds.server_cert.subject_name(), Nid::COMMONNAME),
            "smp.example.com"
        );
        assert_eq!(
            entry(creds.server_cert.issuer_name(), Nid::COMMONNAME),
            CA_COMMON_NAME
        );
        assert!(creds.server_cert.verify(&creds.ca_key).unwrap());
        assert!(creds.ca_cert.verify(&creds.ca_key).unwrap());

        let text = |c: &X509| String::from_utf8(c.to_text().unwrap()).unwrap();
        let ca_text = text(&creds.ca_cert);
        assert!(
            ca_text.contains("X509v3 Basic Constraints: critical"),
            "{ca_text}"
        );
        assert!(ca_text.contains("CA:TRUE"));
        assert!(ca_text.contains("X509v3 Subject Key Identifier"));
        let srv = text(&creds.server_cert);
        assert!(srv.contains("CA:FALSE"), "{srv}");
        assert!(
            srv.contains("Digital Signature, Non Repudiation, Key Agreement"),
            "{srv}"
        );
        assert!(srv.contains("TLS Web Server Authentication"), "{srv}");
        assert!(srv.contains("X509v3 Authority Key Identifier"), "{srv}");

        // Roughly 999999 days of validity (the exact start is "now").
        let days = creds
            .ca_cert
            .not_before()
            .diff(creds.ca_cert.not_after())
            .unwrap()
            .days;
        assert!((999_998..=999_999).contains(&days), "{days}");
        let days = creds
            .server_cert
            .not_before()
            .diff(creds.server_cert.not_after())
            .unwrap()
            .days;
        assert!((999_998..=999_999).contains(&days), "{days}");

        // Random, distinct serials.
        let serial = |c: &X509| c.serial_number().to_bn().unwrap().to_vec();
        assert_ne!(serial(&creds.ca_cert), serial(&creds.server_cert));
    }
}

#[test]
fn credentials_written_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let creds = generate_credentials(SignAlgorithm::Ed448, "localhost").unwrap();
    creds.write_to_dir(dir.path()).unwrap();

    let loaded = Credentials::load_from_dir(dir.path()).unwrap();
    assert_eq!(
        loaded.ca_cert.to_der().unwrap(),
        creds.ca_cert.to_der().unwrap()
    );
    assert_eq!(
        loaded.server_cert.to_der().unwrap(),
        creds.server_cert.to_der().unwrap()
    );
    assert_eq!(
        loaded.ca_key.private_key_to_der().unwrap(),
        creds.ca_key.private_key_to_der().unwrap()
    );
    assert_eq!(
        loaded.server_key.private_key_to_der().unwrap(),
        creds.server_key.private_key_to_der().unwrap()
    );
    assert_eq!(loaded.fingerprint().unwrap(), creds.fingerprint().unwrap());

    let server = ServerCredentials::load_from_dir(dir.path()).unwrap();
    assert_eq!(server.fingerprint().unwrap(), creds.fingerprint().unwrap());

    let key_pem = std::fs::read_to_string(dir.path().join("server.key")).unwrap();
    assert!(key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for name in ["ca.key", "server.key"] {
            let mode = std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
    }

    // Existing files are never overwritten.
    let again = generate_credentials(SignAlgorithm::Ed448, "localhost").unwrap();
    assert!(matches!(
        again.write_to_dir(dir.path()),
        Err(Error::File { .. })
    ));
    let still = Credentials::load_from_dir(dir.path()).unwrap();
    assert_eq!(still.fingerprint().unwrap(), creds.fingerprint().unwrap());
}

#[test]
fn missing_or_bad_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Credentials::load_from_dir(dir.path()),
        Err(Error::File { .. })
    ));
    std::fs::write(dir.path().join("ca.crt"), "not a pem").unwrap();
    let err = ServerCredentials::load_from_dir(dir.path()).unwrap_err();
    assert!(matches!(err, Error::Pem { .. }), "{err}");
    assert!(err.to_string().contains("ca.crt"));
}

#[test]
fn debug_output_redacts_keys() {
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let pem = String::from_utf8(creds.ca_key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    let body = pem.lines().nth(1).unwrap().to_owned();
    for text in [
        format!("{creds:?}"),
        format!("{:?}", creds.server_credentials()),
    ] {
        assert!(text.contains("<redacted>"));
        assert!(!text.contains(&body));
    }
}

#[test]
fn sign_algorithm_names() {
    assert_eq!(
        "ED448".parse::<SignAlgorithm>().unwrap(),
        SignAlgorithm::Ed448
    );
    assert_eq!(
        "ED25519".parse::<SignAlgorithm>().unwrap(),
        SignAlgorithm::Ed25519
    );
    assert!("RSA".parse::<SignAlgorithm>().is_err());
    assert_eq!(SignAlgorithm::Ed25519.to_string(), "ED25519");
}

#[test]
fn chain_checks() {
    let a = generate_credentials(SignAlgorithm::Ed25519, "a").unwrap();
    let b = generate_credentials(SignAlgorithm::Ed448, "b").unwrap();
    let fp_a = a.fingerprint().unwrap();
    let fp_b = b.fingerprint().unwrap();

    // A leaf that the anchor did not sign fails path validation even with a matching fingerprint.
    let err = verify_server_chain(&[a.server_cert.clone(), b.ca_cert.clone()], &fp_b).unwrap_err();
    assert!(matches!(err, Error::InvalidChain(_)), "{err}");

    // Three certificates: [leaf, identity, root]; the identity is chain[1].
    let (id_cert, id_key) = intermediate_ca(&a.ca_cert, &a.ca_key, SignAlgorithm::Ed25519);
    let (leaf, _) = generate_server_cert(&id_cert, &id_key, SignAlgorithm::Ed25519, "x").unwrap();
    let chain = [leaf.clone(), id_cert.clone(), a.ca_cert.clone()];
    verify_server_chain(&chain, &fingerprint(&id_cert).unwrap()).unwrap();
    assert!(matches!(
        verify_server_chain(&chain, &fp_a),
        Err(Error::FingerprintMismatch { .. })
    ));

    // Too short and too long.
    assert!(matches!(
        verify_server_chain(std::slice::from_ref(&a.ca_cert), &fp_a),
        Err(Error::ChainLength(1, _))
    ));
    let five = vec![a.server_cert.clone(); 5];
    assert!(matches!(
        verify_server_chain(&five, &fp_a),
        Err(Error::ChainLength(5, _))
    ));
    assert!(validate_path(&[]).is_err());
}

/// An intermediate CA certificate signed by `parent`.
fn intermediate_ca(
    parent: &X509,
    parent_key: &openssl::pkey::PKey<openssl::pkey::Private>,
    alg: SignAlgorithm,
) -> (X509, openssl::pkey::PKey<openssl::pkey::Private>) {
    use openssl::asn1::Asn1Time;
    use openssl::hash::MessageDigest;
    use openssl::x509::X509Builder;
    use openssl::x509::extension::BasicConstraints;
    let key = alg.generate_key().unwrap();
    let mut name = openssl::x509::X509Name::builder().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, "operator")
        .unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    let serial = openssl::bn::BigNum::from_u32(7)
        .unwrap()
        .to_asn1_integer()
        .unwrap();
    b.set_serial_number(&serial).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(parent.subject_name()).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(10).unwrap())
        .unwrap();
    b.set_pubkey(&key).unwrap();
    b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
        .unwrap();
    b.sign(parent_key, MessageDigest::null()).unwrap();
    (b.build(), key)
}
