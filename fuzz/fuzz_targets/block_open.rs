//! Fuzz target `block_open`: see [`simplex_fuzz::framing::check_block_open`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::framing::check_block_open(data));
