#!/usr/bin/env bash
# The whole test suite (what `.ci/run` runs after fmt and clippy).
# Doc tests first; nextest last, so the output ends with its summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "cargo-nextest not found; installing it"
  cargo install cargo-nextest --locked
fi
cargo test --workspace --locked --doc -q
cargo nextest run --workspace --locked --no-fail-fast "$@"
