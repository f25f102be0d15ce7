//! Fuzz target `xftp_command`: the XFTP command, response, error and handshake decoders.
//! The first byte picks the decoder; whatever decodes must re-encode to bytes that
//! decode to the same value.
#![no_main]

use simplex_encoding::Reader;
use xftp_proto::handshake::{ClientHandshake, ClientHello, ServerHandshake};
use xftp_proto::{FileCommand, FileResponse, XftpErrorType};

fn command(b: &[u8]) {
    if let Ok(c) = FileCommand::parse(b) {
        assert_eq!(
            FileCommand::parse(&c.to_bytes()),
            Ok(c),
            "command re-encoding"
        );
    }
}

fn response(b: &[u8]) {
    if let Ok(r) = FileResponse::parse(b) {
        let mut out = Vec::new();
        r.encode_for(3, &mut out);
        assert_eq!(FileResponse::parse(&out), Ok(r), "response re-encoding");
    }
}

fn error(b: &[u8]) {
    if let Ok(e) = XftpErrorType::parse(&mut Reader::new(b)) {
        let mut out = Vec::new();
        e.encode(&mut out);
        let again = XftpErrorType::parse(&mut Reader::new(&out));
        assert_eq!(again.ok(), Some(e), "error re-encoding");
    }
}

fn handshakes(b: &[u8]) {
    if let Ok(h) = ServerHandshake::parse(b) {
        let mut out = Vec::new();
        h.encode(&mut out);
        assert_eq!(
            ServerHandshake::parse(&out).ok(),
            Some(h),
            "server handshake"
        );
    }
    if let Ok(h) = ClientHandshake::parse(b) {
        let mut out = Vec::new();
        h.encode(&mut out);
        assert_eq!(
            ClientHandshake::parse(&out).ok(),
            Some(h),
            "client handshake"
        );
    }
    if let Ok(h) = ClientHello::parse(b) {
        let mut out = Vec::new();
        h.encode(&mut out);
        assert_eq!(ClientHello::parse(&out).ok(), Some(h), "client hello");
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((sel, rest)) = data.split_first() else {
        return;
    };
    match sel % 4 {
        0 => command(rest),
        1 => response(rest),
        2 => error(rest),
        _ => handshakes(rest),
    }
});
