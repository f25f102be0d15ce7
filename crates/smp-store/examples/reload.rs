//! Opens an existing store directory and prints how long replaying it took:
//! `cargo run -p smp-store --release --example reload -- DIR`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use smp_store::{DurableStore, MsgStore, StoreConfig};

fn main() {
    let dir = std::env::args().nth(1).expect("usage: reload DIR");
    let t = Instant::now();
    let s = DurableStore::open(StoreConfig::new(dir)).unwrap();
    let elapsed = t.elapsed();
    println!(
        "opened in {elapsed:?}: {:?}, {:?}",
        s.load_info(),
        s.counts().unwrap()
    );
    // Skip freeing a large state: the process ends here.
    std::process::exit(0);
}
