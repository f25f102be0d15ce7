//! The `xftp` command line tool (placeholder until the CLI step).
fn main() {}
