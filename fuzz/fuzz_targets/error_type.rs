//! Fuzz target `error_type`: see [`simplex_fuzz::wire::check_error_type`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::wire::check_error_type(data));
