//! `smp-server delete`: removes the configuration and data directories.

use super::args::DeleteArgs;
use super::console;
use super::paths::Paths;
use anyhow::{Context, Result};
use std::fs;

/// Runs `delete`.
pub fn run(paths: &Paths, args: &DeleteArgs) -> Result<()> {
    let dirs = [&paths.cfg_dir, &paths.log_dir];
    if dirs.iter().all(|d| !d.exists()) {
        println!(
            "Nothing to delete: {} and {} do not exist.",
            paths.cfg_dir.display(),
            paths.log_dir.display()
        );
        return Ok(());
    }
    if !args.yes {
        console::confirm_or_exit(
            "WARNING: deleting the server makes all its queues inaccessible: the server identity \
             (certificate fingerprint) changes with a new initialization.\nTHIS CANNOT BE UNDONE!",
            "Server NOT deleted",
        )?;
    }
    for dir in dirs {
        if dir.is_dir() {
            fs::remove_dir_all(dir).with_context(|| format!("cannot delete {}", dir.display()))?;
        }
    }
    println!("Deleted configuration and log files");
    Ok(())
}
