//! Fuzz target `rcv_msg_body`: see [`simplex_fuzz::envelope::check_rcv_msg_body`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| simplex_fuzz::envelope::check_rcv_msg_body(data));
