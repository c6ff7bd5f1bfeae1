#!/usr/bin/env bash
# Run sysstat's sar and rsar side by side, at the same moment, with the same flags, and
# print both outputs (or only their Average: blocks with --averages).
# Needs sysstat (apt-get install sysstat). Usage:
#   bench/compare-live.sh [--averages] [--load] [FLAGS...] INTERVAL COUNT
#   e.g. bench/compare-live.sh --averages --load -u 1 3
# --load runs a CPU, disk and loopback-network load meanwhile so that the numbers move.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sar >/dev/null || { echo "sar not found: apt-get install sysstat" >&2; exit 1; }
averages=false load=false
while [ $# -gt 0 ]; do
  case $1 in
    --averages) averages=true; shift ;;
    --load) load=true; shift ;;
    *) break ;;
  esac
done
cargo build --release --quiet --bin rsar
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
if $load; then
  ( while :; do :; done ) &
  ( while :; do dd if=/dev/zero of="$out/dd" bs=1M count=64 oflag=direct 2>/dev/null; done ) &
  # Loopback traffic: UDP datagrams to a closed port on 127.0.0.1, bounded to 2 minutes.
  python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 120
while time.time() < end:
    for _ in range(100):
        try: s.sendto(b"x" * 1000, ("127.0.0.1", 9))
        except OSError: pass
    time.sleep(0.001)
' &
  sleep 0.5
fi
export LC_ALL=C TZ=${TZ:-UTC}
sar "$@" > "$out/sar" & sar_pid=$!
target/release/rsar "$@" > "$out/rsar" & rsar_pid=$!
wait "$sar_pid" "$rsar_pid"
show() { if $averages; then grep '^Average:' "$1"; else cat "$1"; fi; }
echo "=== sar $*"; show "$out/sar"
echo "=== rsar $*"; show "$out/rsar"
