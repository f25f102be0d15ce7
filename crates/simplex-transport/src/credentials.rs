//! Server credentials: the offline CA (identity) certificate and the online (TLS leaf)
//! certificate, generated like the reference `smp-server init` (`Server/CLI.hs`
//! `createServerX509_`, which drives the `openssl` CLI).

use std::fmt;
use std::str::FromStr;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, PKeyRef, Private};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier,
};
use openssl::x509::{X509, X509Builder, X509Name, X509Ref};

use crate::error::{Error, Result};
use crate::fingerprint::fingerprint;

/// Common name of the CA certificate (reference `openssl_ca.conf`).
pub const CA_COMMON_NAME: &str = "SMP server CA";
/// Organization of the CA certificate (reference `openssl_ca.conf`).
pub const CA_ORGANIZATION: &str = "SimpleX";
/// Validity of both certificates in days (reference `-days 999999`).
pub const CERT_VALIDITY_DAYS: u32 = 999_999;

/// The signature algorithm of the generated keys (reference `--sign-algorithm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignAlgorithm {
    /// Ed25519 (the reference `smp-server init` default).
    Ed25519,
    /// Ed448 (the reference's internal default and test fixtures).
    Ed448,
}

impl SignAlgorithm {
    /// Generates a new private key of this algorithm.
    pub fn generate_key(self) -> Result<PKey<Private>> {
        Ok(match self {
            SignAlgorithm::Ed25519 => PKey::generate_ed25519()?,
            SignAlgorithm::Ed448 => PKey::generate_ed448()?,
        })
    }

    /// The name used on the reference command line and in its INI files.
    pub fn as_str(self) -> &'static str {
        match self {
            SignAlgorithm::Ed25519 => "ED25519",
            SignAlgorithm::Ed448 => "ED448",
        }
    }
}

impl fmt::Display for SignAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignAlgorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "ED25519" => Ok(SignAlgorithm::Ed25519),
            "ED448" => Ok(SignAlgorithm::Ed448),
            _ => Err(Error::UnsupportedAlgorithm("expected ED25519 or ED448")),
        }
    }
}

/// A full set of server credentials, as created by `init`: the CA (identity) certificate and
/// key, and the online certificate and key used for TLS.
pub struct Credentials {
    /// The CA certificate; its fingerprint is the server's identity (`keyHash`).
    pub ca_cert: X509,
    /// The CA private key (may be moved offline after `init`).
    pub ca_key: PKey<Private>,
    /// The online (TLS leaf) certificate, signed by the CA.
    pub server_cert: X509,
    /// The online private key.
    pub server_key: PKey<Private>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("ca_cert", &self.ca_cert.subject_name())
            .field("ca_key", &"<redacted>")
            .field("server_cert", &self.server_cert.subject_name())
            .field("server_key", &"<redacted>")
            .finish()
    }
}

impl Credentials {
    /// The subset a running server needs (the CA key is not needed).
    pub fn server_credentials(&self) -> ServerCredentials {
        ServerCredentials {
            ca_cert: self.ca_cert.clone(),
            server_cert: self.server_cert.clone(),
            server_key: self.server_key.clone(),
        }
    }

    /// SHA-256 fingerprint of the CA certificate (the server identity).
    pub fn fingerprint(&self) -> Result<[u8; 32]> {
        fingerprint(&self.ca_cert)
    }
}

/// What a running server needs for TLS: its chain `[server_cert, ca_cert]` and the online key.
#[derive(Clone)]
pub struct ServerCredentials {
    /// The CA (identity) certificate, sent second in the chain.
    pub ca_cert: X509,
    /// The online (TLS leaf) certificate.
    pub server_cert: X509,
    /// The online private key.
    pub server_key: PKey<Private>,
}

impl fmt::Debug for ServerCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerCredentials")
            .field("ca_cert", &self.ca_cert.subject_name())
            .field("server_cert", &self.server_cert.subject_name())
            .field("server_key", &"<redacted>")
            .finish()
    }
}

impl ServerCredentials {
    /// SHA-256 fingerprint of the CA certificate (the server identity).
    pub fn fingerprint(&self) -> Result<[u8; 32]> {
        fingerprint(&self.ca_cert)
    }
}

/// Generates a new CA (`CN=SMP server CA, O=SimpleX`, basicConstraints critical CA:true) and an
/// online certificate `CN=<common_name>` signed by it, both with keys of `alg`.
pub fn generate_credentials(alg: SignAlgorithm, common_name: &str) -> Result<Credentials> {
    let ca_key = alg.generate_key()?;
    let ca_cert = generate_ca_cert(&ca_key)?;
    let (server_cert, server_key) = generate_server_cert(&ca_cert, &ca_key, alg, common_name)?;
    Ok(Credentials {
        ca_cert,
        ca_key,
        server_cert,
        server_key,
    })
}

/// Generates the self-signed CA certificate for `ca_key` (extensions as the reference
/// `openssl_ca.conf`: subjectKeyIdentifier, authorityKeyIdentifier, critical CA:true).
pub fn generate_ca_cert(ca_key: &PKeyRef<Private>) -> Result<X509> {
    let mut name = X509Name::builder()?;
    name.append_entry_by_nid(Nid::COMMONNAME, CA_COMMON_NAME)?;
    name.append_entry_by_nid(Nid::ORGANIZATIONNAME, CA_ORGANIZATION)?;
    let name = name.build();
    let mut builder = base_builder(ca_key, &name, &name)?;
    let skid = SubjectKeyIdentifier::new().build(&builder.x509v3_context(None, None))?;
    builder.append_extension(skid)?;
    let akid = AuthorityKeyIdentifier::new()
        .keyid(true)
        .build(&builder.x509v3_context(None, None))?;
    builder.append_extension(akid)?;
    builder.append_extension(BasicConstraints::new().critical().ca().build()?)?;
    builder.sign(ca_key, MessageDigest::null())?;
    Ok(builder.build())
}

/// Generates a new online key of `alg` and its certificate `CN=<common_name>` signed by the CA
/// (extensions as the reference `openssl_server.conf`: CA:FALSE, keyUsage digitalSignature,
/// nonRepudiation, keyAgreement, extendedKeyUsage serverAuth, plus key identifiers).
pub fn generate_server_cert(
    ca_cert: &X509Ref,
    ca_key: &PKeyRef<Private>,
    alg: SignAlgorithm,
    common_name: &str,
) -> Result<(X509, PKey<Private>)> {
    let key = alg.generate_key()?;
    let mut name = X509Name::builder()?;
    name.append_entry_by_nid(Nid::COMMONNAME, common_name)?;
    let name = name.build();
    let mut builder = base_builder(&key, &name, ca_cert.subject_name())?;
    builder.append_extension(BasicConstraints::new().build()?)?;
    let usage = KeyUsage::new()
        .digital_signature()
        .non_repudiation()
        .key_agreement()
        .build()?;
    builder.append_extension(usage)?;
    builder.append_extension(ExtendedKeyUsage::new().server_auth().build()?)?;
    let skid = SubjectKeyIdentifier::new().build(&builder.x509v3_context(Some(ca_cert), None))?;
    builder.append_extension(skid)?;
    // The issuer's key id (any CA made by `generate_ca_cert` has one); issuer name and
    // serial only for a CA without a subject key identifier.
    let akid = AuthorityKeyIdentifier::new()
        .keyid(false)
        .issuer(false)
        .build(&builder.x509v3_context(Some(ca_cert), None))?;
    builder.append_extension(akid)?;
    builder.sign(ca_key, MessageDigest::null())?;
    Ok((builder.build(), key))
}

/// A v3 certificate builder with a random 159-bit serial, validity now..now+999999 days,
/// the given subject, issuer and subject key.
fn base_builder(
    subject_key: &PKeyRef<Private>,
    subject: &openssl::x509::X509NameRef,
    issuer: &openssl::x509::X509NameRef,
) -> Result<X509Builder> {
    let mut builder = X509Builder::new()?;
    builder.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(159, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    builder.set_serial_number(&serial)?;
    builder.set_subject_name(subject)?;
    builder.set_issuer_name(issuer)?;
    let not_before = Asn1Time::days_from_now(0)?;
    let not_after = Asn1Time::days_from_now(CERT_VALIDITY_DAYS)?;
    builder.set_not_before(&not_before)?;
    builder.set_not_after(&not_after)?;
    builder.set_pubkey(subject_key)?;
    Ok(builder)
}
