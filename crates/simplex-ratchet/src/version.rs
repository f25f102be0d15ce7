//! E2E (ratchet) versions and the two PQ switches (`Ratchet.hs` `VersionE2E`,
//! `RatchetVersions`, `PQEncryption`, `PQSupport`).

use simplex_encoding::{Version, VersionRange};

/// E2E version 2: KDF in the X3DH agreement (the oldest still supported).
pub const KDF_X3DH_E2E_VERSION: Version = 2;
/// E2E version 3: sntrup761 KEM fields in params and headers, 2-byte length prefixes.
pub const PQ_RATCHET_E2E_VERSION: Version = 3;
/// The newest E2E version this implementation speaks.
pub const CURRENT_E2E_VERSION: Version = 3;

/// The supported E2E version range, 2..3.
pub const SUPPORTED_E2E_VERSIONS: VersionRange =
    match VersionRange::new(KDF_X3DH_E2E_VERSION, CURRENT_E2E_VERSION) {
        Some(r) => r,
        None => VersionRange::single(CURRENT_E2E_VERSION),
    };

/// The ratchet's version pair: `current` decides the encodings of what is sent,
/// `max_supported` is announced in every header so the peer can upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatchetVersions {
    /// The version used to encode sent headers and messages.
    pub current: Version,
    /// The highest version this side will upgrade to.
    pub max_supported: Version,
}

impl RatchetVersions {
    /// Both versions set to `v`.
    pub const fn single(v: Version) -> Self {
        RatchetVersions {
            current: v,
            max_supported: v,
        }
    }
}

/// Whether PQ (KEM) encryption is wanted for the next ratchet steps (`PQEncryption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PQEncryption(pub bool);

impl PQEncryption {
    /// PQ encryption on.
    pub const ON: PQEncryption = PQEncryption(true);
    /// PQ encryption off.
    pub const OFF: PQEncryption = PQEncryption(false);

    /// The same flag as a [`PQSupport`].
    pub const fn to_support(self) -> PQSupport {
        PQSupport(self.0)
    }
}

/// Whether the connection supports PQ headers (`PQSupport`): it decides the padded
/// header size (2310 instead of 88) and, once on, stays on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PQSupport(pub bool);

impl PQSupport {
    /// PQ support on.
    pub const ON: PQSupport = PQSupport(true);
    /// PQ support off.
    pub const OFF: PQSupport = PQSupport(false);

    /// The same flag as a [`PQEncryption`] (`pqSupportToEnc`).
    pub const fn to_encryption(self) -> PQEncryption {
        PQEncryption(self.0)
    }

    /// Both sides support PQ (`pqSupportAnd`).
    pub const fn and(self, other: PQSupport) -> PQSupport {
        PQSupport(self.0 && other.0)
    }

    /// Support once on stays on; it turns on when encryption is enabled at v3+
    /// (`pqEnableSupport`).
    pub const fn enable(self, v: Version, enc: PQEncryption) -> PQSupport {
        PQSupport(self.0 || (v >= PQ_RATCHET_E2E_VERSION && enc.0))
    }
}

/// The padded length of a plaintext header: 2310 when PQ is supported at v3+, else 88
/// (`paddedHeaderLen`).
pub const fn padded_header_len(v: Version, support: PQSupport) -> usize {
    if support.0 && v >= PQ_RATCHET_E2E_VERSION {
        2310
    } else {
        88
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_range_is_2_to_3() {
        let r = SUPPORTED_E2E_VERSIONS;
        assert_eq!((r.min(), r.max()), (2, 3));
    }

    #[test]
    fn support_only_turns_on() {
        assert_eq!(PQSupport::OFF.enable(3, PQEncryption::ON), PQSupport::ON);
        assert_eq!(PQSupport::OFF.enable(2, PQEncryption::ON), PQSupport::OFF);
        assert_eq!(PQSupport::ON.enable(2, PQEncryption::OFF), PQSupport::ON);
        assert_eq!(padded_header_len(3, PQSupport::ON), 2310);
        assert_eq!(padded_header_len(2, PQSupport::ON), 88);
        assert_eq!(padded_header_len(3, PQSupport::OFF), 88);
    }
}
