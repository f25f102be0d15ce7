//! Checks of peer certificate chains (`Transport/Shared.hs` `chainIdCaCerts`, `x509validate`;
//! `Transport/Client.hs` `validateCertificateChain`; `protocol-map.md` §2.2).

use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyFlags;
use openssl::x509::{X509, X509StoreContext};

use crate::error::{Error, Result};
use crate::fingerprint::{fingerprint, fingerprint_text};

/// Checks a server chain (leaf first) as the reference client does: 2 to 4 certificates, the
/// identity certificate `chain[1]` has the fingerprint `expected`, and the chain validates with
/// its last certificate as the only trust anchor (no host name check).
pub fn verify_server_chain(chain: &[X509], expected: &[u8; 32]) -> Result<()> {
    if !(2..=4).contains(&chain.len()) {
        return Err(Error::ChainLength(chain.len(), "2 to 4"));
    }
    let id_cert = chain
        .get(1)
        .ok_or(Error::ChainLength(chain.len(), "2 to 4"))?;
    let actual = fingerprint(id_cert)?;
    if actual != *expected {
        return Err(Error::FingerprintMismatch {
            expected: fingerprint_text(expected),
            actual: fingerprint_text(&actual),
        });
    }
    validate_path(chain)
}

/// Checks a client ("service") chain as the reference server does: none is fine, more than 4
/// certificates is rejected, otherwise it must validate with its last certificate as anchor.
pub fn verify_client_chain(chain: &[X509]) -> Result<()> {
    match chain.len() {
        0 => Ok(()),
        1..=4 => validate_path(chain),
        n => Err(Error::ChainLength(n, "at most 4")),
    }
}

/// X.509 path validation of `chain` (leaf first) with its last certificate as the only trust
/// anchor: signatures, validity times and CA constraints are checked, host names are not, and
/// the leaf must be a v3 certificate.
pub fn validate_path(chain: &[X509]) -> Result<()> {
    let (Some(leaf), Some(anchor)) = (chain.first(), chain.last()) else {
        return Err(Error::ChainLength(0, "at least 1"));
    };
    if leaf.version() != 2 {
        return Err(Error::InvalidChain(
            "leaf certificate is not X.509 v3".into(),
        ));
    }
    let mut store = X509StoreBuilder::new()?;
    store.add_cert(anchor.clone())?;
    // The anchor need not be self-signed: trust stops at it, as in the reference.
    store.set_flags(X509VerifyFlags::PARTIAL_CHAIN)?;
    let store = store.build();
    let mut untrusted = Stack::new()?;
    for cert in chain.iter().skip(1) {
        untrusted.push(cert.clone())?;
    }
    let mut ctx = X509StoreContext::new()?;
    let outcome = ctx.init(&store, leaf, &untrusted, |c| {
        let ok = c.verify_cert()?;
        Ok((ok, c.error().error_string().to_owned()))
    })?;
    match outcome {
        (true, _) => Ok(()),
        (false, reason) => Err(Error::InvalidChain(reason)),
    }
}
