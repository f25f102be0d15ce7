//! Fuzz target `smp_server_uri`: see [`simplex_fuzz::handshake::check_server_uri`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::handshake::check_server_uri(data));
