//! Fuzz target `smp_command`: see [`simplex_fuzz::wire::check_command`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::wire::check_command(data));
