//! Fuzz target `store_log`: see [`simplex_fuzz::store::check_store_log`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    simplex_fuzz::store::check_store_log(data);
});
