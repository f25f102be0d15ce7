//! Fuzz target `smp_response`: see [`simplex_fuzz::wire::check_response`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::wire::check_response(data));
