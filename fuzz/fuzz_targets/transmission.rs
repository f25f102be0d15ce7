//! Fuzz target `transmission`: see [`simplex_fuzz::framing::check_transmission`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::framing::check_transmission(data));
