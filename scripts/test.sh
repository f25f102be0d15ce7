#!/usr/bin/env bash
# The whole test suite (what `.ci/run` runs after fmt and clippy).
# Doc tests first; nextest last, so the output ends with its summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked --doc -q
cargo nextest run --workspace --locked --no-fail-fast "$@"
