#!/usr/bin/env bash
# Peak memory of `rsar tui -f` replaying recorded days (DESIGN.md §7): the TUI
# runs in a detached tmux session at 200×60, the script waits until the whole timeline
# is loaded (the header's "N/TOTAL" stops growing), moves the cursor (End, steps, a jump,
# PgUp, Home), waits for each moment to be decoded, reads VmHWM from /proc/PID/status and
# quits with q. Targets: a day at 1 s ≤ 32 MB; an hour at 1 s of the synthetic 128-CPU /
# 96-disk / 400-interface host ≤ 64 MB.
#
# Usage: bench/tui-memory.sh [DAY_FILE [HOST_FILE]]
#   DAY_FILE   a day of 1-s samples; made with examples/synth_day when not given
#   HOST_FILE  an hour of the large host; made as bench/synth-scale.sh records it (3600
#              rsadc runs, several minutes) when not given; SKIP_HOST=1 skips it
# Needs tmux. KEEP=1 keeps the temporary directory; RSAR=PATH measures another rsar binary.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "needs tmux (apt-get install tmux)" >&2; exit 1; }
cargo build --release --quiet --workspace --bins --example synth_day --example synth_host
tmp=$(mktemp -d)
if [ "${KEEP:-}" = 1 ]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
export TZ=UTC LC_ALL=C
rsar=${RSAR:-$PWD/target/release/rsar}

day=${1:-}
if [ -z "$day" ]; then
  day=$tmp/day1s
  target/release/examples/synth_day "$day" 1 2025-11-21 >/dev/null
fi
host=${2:-}
if [ -z "$host" ] && [ "${SKIP_HOST:-}" != 1 ]; then
  echo "recording an hour of the 128-CPU host (3600 rsadc runs)..." >&2
  target/release/examples/synth_host --cpus 128 --disks 96 --ifaces 400 --steps 3600 \
    "$tmp/trees" 2>/dev/null
  for ((i = 0; i < 3600; i++)); do
    t=$(printf "%s/trees/t%04d" "$tmp" "$i")
    target/release/rsadc --proc-root "$t/proc" --sys-root "$t/sys" \
      --fake-clock $((1763719200 + i)) 1 1 "$tmp/log/" 2>>"$tmp/rsadc.err"
  done
  rm -rf "$tmp/trees"
  host=$(ls "$tmp"/log/rsar* | head -1)
fi

# The header's "N/TOTAL" of the screen, as "N TOTAL".
position() {
  tmux capture-pane -p -t "$1" | head -1 | grep -oE '[0-9]+/[0-9]+' | head -1 | tr / ' '
}

# Whether the load line shows the moment's detail (not "reading…").
decoded() {
  ! tmux capture-pane -p -t "$1" | grep -q 'reading'
}

wait_decoded() {
  for _ in $(seq 1 600); do
    decoded "$1" && return 0
    sleep 0.1
  done
  echo "the moment was not decoded in 60 s" >&2
}

# Peak RSS in MB of `rsar tui -f FILE`, and the intervals it loaded.
measure() {
  local file=$1 name=rsar-tui-mem-$$
  tmux kill-session -t "$name" 2>/dev/null || true
  tmux new-session -d -s "$name" -x 200 -y 60 "exec '$rsar' tui -f '$file'"
  local pid
  pid=$(tmux list-panes -t "$name" -F '#{pane_pid}')
  local last="" same=0
  for _ in $(seq 1 1200); do
    sleep 0.5
    local now
    now=$(position "$name" | cut -d' ' -f2)
    if [ -n "$now" ] && [ "$now" = "$last" ]; then
      same=$((same + 1))
      [ $same -ge 4 ] && break
    else
      same=0
    fi
    last=$now
  done
  wait_decoded "$name"
  for keys in End Left Left t T PgUp "j 10:30 Enter" Home "j 00:30 Enter" End; do
    # shellcheck disable=SC2086
    tmux send-keys -t "$name" $keys
    sleep 0.3
    wait_decoded "$name"
  done
  local hwm
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  tmux send-keys -t "$name" q
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && { echo "rsar tui did not quit on q" >&2; kill "$pid"; }
  tmux kill-session -t "$name" 2>/dev/null || true
  echo "$hwm $last"
}

report() {
  local what=$1 file=$2 target=$3
  read -r kb n < <(measure "$file")
  awk -v w="$what" -v kb="$kb" -v n="$n" -v t="$target" -v b="$(stat -c %s "$file")" 'BEGIN {
    mb = kb / 1024
    printf "%-34s %6d intervals, %6.1f MB log: peak RSS %5.1f MB (target <= %d MB) %s\n",
      w, n, b / 1e6, mb, t, (mb <= t ? "ok" : "OVER") }'
}

report "day at 1 s (synth_day)" "$day" 32
if [ -n "$host" ]; then
  report "hour at 1 s, 128 CPUs/96 disks/400 ifs" "$host" 64
fi
