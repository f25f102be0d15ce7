//! Handshake blocks and server addresses: what a client or relay reads before any command.

use simplex_crypto::pad::unpad;
use simplex_encoding::{Decode, Encode};
use smp_proto::SmpServer;
use smp_proto::handshake::{ClientHello, ServerHello};

/// `server_hello`: `ServerHello::parse` (trailing bytes are ignored by design); the
/// encoded hello must parse to the same value. A padded block is tried as well, as a
/// client reads it.
pub fn check_server_hello(data: &[u8]) {
    for input in [Some(data), unpad(data).ok()].into_iter().flatten() {
        if let Ok(h) = ServerHello::parse(input) {
            match ServerHello::parse(&h.to_bytes()) {
                Ok(again) => assert_eq!(again, h, "server hello changed after re-encoding"),
                Err(e) => panic!("re-encoded server hello does not parse: {e}"),
            }
        }
    }
}

/// `client_hello`: `ClientHello::parse` likewise (the relay reads it from a padded block).
pub fn check_client_hello(data: &[u8]) {
    for input in [Some(data), unpad(data).ok()].into_iter().flatten() {
        if let Ok(h) = ClientHello::parse(input) {
            match ClientHello::parse(&h.to_bytes()) {
                Ok(again) => assert_eq!(again, h, "client hello changed after re-encoding"),
                Err(e) => panic!("re-encoded client hello does not parse: {e}"),
            }
        }
    }
}

/// `smp_server_uri`: `SmpServer::parse_uri` of UTF-8 input. The printed address must parse
/// to the same server and password, and the binary form (in `PRXY`) must decode to the
/// same server when it can hold it.
pub fn check_server_uri(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for scheme in ["smp", "xftp"] {
        let Ok((srv, auth)) = SmpServer::parse_uri(scheme, s) else {
            continue;
        };
        assert!(!srv.hosts.is_empty(), "a server has a host");
        let text = srv.to_uri(scheme, auth.as_ref());
        match SmpServer::parse_uri(scheme, &text) {
            Ok((srv2, auth2)) => {
                assert_eq!(srv2, srv, "server changed after printing {text:?}");
                assert_eq!(auth2, auth, "password changed after printing");
            }
            Err(e) => panic!("printed address {text:?} does not parse: {e}"),
        }
        if binary_form_fits(&srv) {
            assert_eq!(
                SmpServer::from_bytes(&srv.to_bytes()).ok().as_ref(),
                Some(&srv),
                "binary server address"
            );
        }
    }
}

/// Whether the binary form (`u8` host count, `short` port text) can hold the server.
///
/// `parse_uri` itself accepts any number of hosts and any run of port digits (e.g.
/// `0000…05223`); such addresses cannot be sent in `PRXY` (reported with this target).
pub fn binary_form_fits(srv: &SmpServer) -> bool {
    srv.hosts.len() <= 255 && srv.port.len() <= 255
}
