//! Checks behind the cargo-fuzz targets of the SMP relay's decoders.
//!
//! Each `check_*` function takes arbitrary bytes, runs one top-level decoder on them and,
//! where the type has an encoder, asserts that decode → encode → decode gives the same
//! value. A check panics only when an invariant is broken (that is what the fuzzer
//! reports); rejecting the input with an error is the normal, expected outcome.
//!
//! The targets in `fuzz_targets/` are one-line wrappers around these functions, so the
//! same checks can be called from a regression test or a debugger without libFuzzer.
//! `examples/make_seeds.rs` writes small seed corpora of valid encodings ([`seeds`]).
//!
//! This crate is test tooling: it may depend on any library crate of the workspace, and
//! nothing may depend on it.

pub mod envelope;
pub mod framing;
pub mod handshake;
pub mod seeds;
pub mod store;
pub mod store_seeds;
pub mod wire;

use simplex_encoding::Version;

/// The lowest SMP version the decoders support.
pub const MIN_VERSION: Version = 6;
/// The highest SMP version the decoders support.
pub const MAX_VERSION: Version = 18;

/// Maps one input byte onto a protocol version in `MIN_VERSION..=MAX_VERSION`.
pub fn version_from(b: u8) -> Version {
    let span = u8::try_from(MAX_VERSION - MIN_VERSION + 1).unwrap_or(u8::MAX);
    MIN_VERSION + Version::from(b % span)
}

/// Splits off the first byte of a fuzz input (the "selector" byte), if there is one.
pub fn split_selector(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first().map(|(b, rest)| (*b, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_cover_the_supported_range() {
        let vs: std::collections::BTreeSet<Version> = (0..=255u8).map(version_from).collect();
        assert_eq!(vs.first(), Some(&MIN_VERSION));
        assert_eq!(vs.last(), Some(&MAX_VERSION));
        assert_eq!(vs.len(), usize::from(MAX_VERSION - MIN_VERSION + 1));
    }
}
