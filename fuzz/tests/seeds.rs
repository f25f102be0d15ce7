//! Every seed passes its target's checks, and every seed is accepted by its decoder (so the
//! seeds really reach past the first parse), without libFuzzer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use simplex_fuzz::seeds::protocol_seeds;
use simplex_fuzz::{envelope, framing, handshake, wire};

fn check_for(target: &str) -> fn(&[u8]) {
    match target {
        "smp_command" => wire::check_command,
        "smp_response" => wire::check_response,
        "error_type" => wire::check_error_type,
        "transmission" => framing::check_transmission,
        "batch" => framing::check_batch,
        "block_open" => framing::check_block_open,
        "server_hello" => handshake::check_server_hello,
        "client_hello" => handshake::check_client_hello,
        "smp_server_uri" => handshake::check_server_uri,
        "rcv_msg_body" => envelope::check_rcv_msg_body,
        "fwd_transmission" => envelope::check_fwd_transmission,
        other => panic!("no check for {other}"),
    }
}

#[test]
fn seeds_pass_their_checks() {
    for (target, seeds) in protocol_seeds() {
        assert!(!seeds.is_empty(), "{target} has seeds");
        let check = check_for(target);
        for s in &seeds {
            check(s);
        }
    }
}

#[test]
fn seeds_are_accepted_by_their_decoders() {
    use simplex_fuzz::version_from;
    use smp_proto::{BrokerMsg, Command};
    for (target, seeds) in protocol_seeds() {
        for s in &seeds {
            let ok = match target {
                "smp_command" => Command::parse(version_from(s[0]), &s[1..]).is_ok(),
                "smp_response" => BrokerMsg::parse(version_from(s[0]), &s[1..]).is_ok(),
                "transmission" => {
                    smp_proto::transmission::parse(&framing::params(version_from(s[0])), &s[1..])
                        .is_ok()
                }
                "error_type" => wire::parse_error(s).is_some(),
                "smp_server_uri" => {
                    let t = std::str::from_utf8(s).unwrap();
                    smp_proto::SmpServer::parse_uri("smp", t).is_ok()
                        || smp_proto::SmpServer::parse_uri("xftp", t).is_ok()
                }
                "batch" => smp_proto::batch::parse_batch(s).is_ok(),
                _ => true,
            };
            assert!(ok, "{target} seed {s:?} is rejected");
        }
    }
}
