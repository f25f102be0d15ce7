//! The `store_log` check on real store files and on hand-made damage, without libFuzzer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use simplex_fuzz::store::{
    BAD_CRC, Layout, Outcome, ZEROS, build_files, check_store_log, describe_frame,
};
use simplex_fuzz::store_seeds::{read_frames, store_seeds};

#[test]
fn real_store_files_pass_and_every_cut_of_them_too() {
    let seeds = store_seeds().unwrap();
    assert_eq!(seeds.len(), 3);
    for s in &seeds {
        match check_store_log(s) {
            Outcome::Opened(c) => assert!(c.queues >= 2 && c.messages >= 1, "{c:?}"),
            other => panic!("a real store must open: {other:?}"),
        }
        // Torn writes and lost tails at every 7th byte.
        for cut in (1..s.len()).step_by(7) {
            check_store_log(&s[..cut]);
        }
    }
}

#[test]
fn framed_layouts_reproduce_the_real_files() {
    let seeds = store_seeds().unwrap();
    let raw = &seeds[0];
    let (snap, log) = build_files(Layout::FramedLog, &seeds[1][1..]);
    assert!(snap.is_none());
    assert_eq!(&log, &raw[1..], "framed description rebuilds the same log");
    let (snap, log) = build_files(Layout::SnapshotAndLog, &seeds[2][1..]);
    assert!(read_frames(&snap.unwrap()).len() > 3);
    assert!(!read_frames(&log).is_empty());
}

#[test]
fn damaged_frames_are_refused_or_dropped_cleanly() {
    let selector = Layout::FramedLog.selector(false);
    let mut input = vec![selector];
    describe_frame(&mut input, 19, &[1; 24]); // delete a queue that does not exist
    assert_eq!(check_store_log(&input), Outcome::Refused);
    let mut bad_crc = vec![selector];
    describe_frame(&mut bad_crc, BAD_CRC, &[1; 24]);
    assert_eq!(check_store_log(&bad_crc), Outcome::Refused);
    // A zero-filled tail is a torn write: dropped, and the store opens.
    let mut zeros = vec![selector];
    describe_frame(&mut zeros, ZEROS, &[0; 40]);
    assert!(matches!(check_store_log(&zeros), Outcome::Opened(_)));
    let mut unknown = vec![selector];
    describe_frame(&mut unknown, 200, b"what");
    assert_eq!(check_store_log(&unknown), Outcome::Refused);
    for sel in 0..8u8 {
        check_store_log(&[sel]);
        check_store_log(&[sel, 0xFF]);
    }
}
