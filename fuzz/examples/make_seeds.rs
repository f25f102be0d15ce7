//! Writes the seed corpora of every fuzz target into `<dir>/<target>/` (default
//! `fuzz/seeds`): valid protocol encodings, and the files of a real store.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example make_seeds [-- <dir>]`

use simplex_fuzz::seeds::protocol_seeds;
use simplex_fuzz::store_seeds::store_seeds;
use std::error::Error;
use std::path::{Path, PathBuf};

type Res<T> = Result<T, Box<dyn Error>>;

fn write_all(root: &Path, target: &str, seeds: &[Vec<u8>]) -> Res<()> {
    let dir = root.join(target);
    std::fs::create_dir_all(&dir)?;
    for (i, s) in seeds.iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i:03}")), s)?;
    }
    Ok(())
}

fn main() -> Res<()> {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds"));
    let mut total = 0;
    for (target, seeds) in protocol_seeds() {
        write_all(&root, target, &seeds)?;
        total += seeds.len();
    }
    let store = store_seeds()?;
    write_all(&root, "store_log", &store)?;
    total += store.len();
    println!("wrote {total} seeds under {}", root.display());
    Ok(())
}
