//! Fuzz target `batch`: see [`simplex_fuzz::framing::check_batch`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::framing::check_batch(data));
