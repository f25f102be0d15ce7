#!/usr/bin/env bash
# Starts a local SMP relay with embedded defaults (no external service needed).
# The first run creates credentials and smp-server.ini under ./.relay (or $RELAY_DIR),
# for host $RELAY_HOST (default localhost), without a queue password, listening on port
# 5223 (or $RELAY_PORT); later runs reuse them.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${RELAY_DIR:-$PWD/.relay}"
export SMP_SERVER_CFG_PATH="$dir/config" SMP_SERVER_LOG_PATH="$dir/data"
cargo build --release -q -p smp-server
bin=target/release/smp-server
if [ ! -f "$SMP_SERVER_CFG_PATH/smp-server.ini" ]; then
  "$bin" init -y --fqdn "${RELAY_HOST:-localhost}" --no-password
fi
if [ -n "${RELAY_PORT:-}" ]; then
  sed -i "s/^port = .*/port = $RELAY_PORT/" "$SMP_SERVER_CFG_PATH/smp-server.ini"
fi
exec "$bin" start "$@"
