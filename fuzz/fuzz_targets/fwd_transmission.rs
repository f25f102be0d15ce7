//! Fuzz target `fwd_transmission`: see [`simplex_fuzz::envelope::check_fwd_transmission`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::envelope::check_fwd_transmission(data));
