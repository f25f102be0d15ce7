#!/usr/bin/env bash
# Smoke-runs every cargo-fuzz target of fuzz/ for a few seconds each, on the stable
# toolchain (no sanitizer: `-s none`), and fails if any target finds a crash.
#
#   scripts/fuzz-smoke.sh                 # every target, 10 s each
#   FUZZ_SECONDS=60 scripts/fuzz-smoke.sh # longer
#   FUZZ_TARGETS="batch store_log" scripts/fuzz-smoke.sh
#
# Seeds are generated into fuzz/seeds/ by `fuzz/examples/make_seeds.rs`; what the fuzzer
# finds goes to fuzz/corpus/<target>/ and crashes to fuzz/artifacts/<target>/ (all three
# are ignored by git). Logs of each run are in fuzz/target/smoke-logs/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${FUZZ_SECONDS:-10}"
fuzz_dir="$root/fuzz"
logs="$fuzz_dir/target/smoke-logs"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz not found; installing it"
    cargo install cargo-fuzz --locked
fi

cd "$root"
echo "== generating seeds"
cargo run --quiet --manifest-path "$fuzz_dir/Cargo.toml" --example make_seeds -- "$fuzz_dir/seeds"

echo "== building fuzz targets (stable, no sanitizer)"
cargo fuzz build --fuzz-dir "$fuzz_dir" -s none

targets="${FUZZ_TARGETS:-$(cargo fuzz list --fuzz-dir "$fuzz_dir")}"
mkdir -p "$logs"
failed=()
for t in $targets; do
    corpus="$fuzz_dir/corpus/$t"
    mkdir -p "$corpus" "$fuzz_dir/seeds/$t"
    log="$logs/$t.log"
    printf '== %-18s %ss ... ' "$t" "$seconds"
    # -timeout: an input that takes over 10 s counts as a hang (a crash);
    # -rss_limit_mb: a runaway allocation counts as a crash too.
    if cargo fuzz run --fuzz-dir "$fuzz_dir" -s none "$t" "$corpus" "$fuzz_dir/seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1; then
        runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
        echo "ok (${runs:-?} runs)"
    else
        echo "FAILED (log: $log)"
        tail -n 40 "$log"
        failed+=("$t")
    fi
done

if ((${#failed[@]})); then
    echo "fuzz smoke failed for: ${failed[*]} (crash inputs in fuzz/artifacts/<target>/)"
    exit 1
fi
echo "fuzz smoke passed"
