//! Fuzz target `client_hello`: see [`simplex_fuzz::handshake::check_client_hello`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::handshake::check_client_hello(data));
