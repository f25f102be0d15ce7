//! Bridges between `agent-proto`'s and `simplex-ratchet`'s copies of the X3DH parameter
//! types. Both encode to the same bytes, so each conversion is encode → decode.

use simplex_encoding::{Decode, DecodeError, Encode};

/// Re-reads `value`'s binary encoding as the other crate's type.
fn bridge<A: Encode, B: Decode>(value: &A) -> Result<B, DecodeError> {
    B::from_bytes(&value.to_bytes())
}

/// Link parameters (`E2eParamsUri`) as the ratchet's `E2ERatchetParamsUri`.
pub fn uri_to_ratchet(
    p: &agent_proto::E2eParamsUri,
) -> Result<simplex_ratchet::E2ERatchetParamsUri, DecodeError> {
    bridge(p)
}

/// The ratchet's `E2ERatchetParamsUri` as link parameters (`E2eParamsUri`).
pub fn uri_to_proto(
    p: &simplex_ratchet::E2ERatchetParamsUri,
) -> Result<agent_proto::E2eParamsUri, DecodeError> {
    bridge(p)
}

/// Confirmation parameters (`E2eParams`) as the ratchet's `E2ERatchetParams`.
pub fn params_to_ratchet(
    p: &agent_proto::E2eParams,
) -> Result<simplex_ratchet::E2ERatchetParams, DecodeError> {
    bridge(p)
}

/// The ratchet's `E2ERatchetParams` as confirmation parameters (`E2eParams`).
pub fn params_to_proto(
    p: &simplex_ratchet::E2ERatchetParams,
) -> Result<agent_proto::E2eParams, DecodeError> {
    bridge(p)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use simplex_ratchet::{E2ERatchetParamsUri, PQSupport, generate_rcv_params};

    #[test]
    fn params_survive_both_ways() {
        let mut rng = rand::rng();
        for pq in [PQSupport::OFF, PQSupport::ON] {
            let g = generate_rcv_params(&mut rng, 3, pq).unwrap();
            let proto = params_to_proto(&g.params).unwrap();
            assert_eq!(proto.version, 3);
            assert_eq!(proto.kem.is_some(), pq.0);
            assert_eq!(params_to_ratchet(&proto).unwrap(), g.params);

            let uri = E2ERatchetParamsUri {
                versions: simplex_ratchet::SUPPORTED_E2E_VERSIONS,
                k1: g.params.k1.clone(),
                k2: g.params.k2.clone(),
                kem: g.params.kem.clone(),
            };
            let proto_uri = uri_to_proto(&uri).unwrap();
            assert_eq!(proto_uri.to_bytes(), uri.to_bytes());
            assert_eq!(uri_to_ratchet(&proto_uri).unwrap(), uri);
        }
    }
}
