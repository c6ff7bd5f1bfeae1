#!/usr/bin/env bash
# Peak memory of `rsar tui` replaying recorded days (DESIGN.md §7), before (BASE, main by
# default) and after (this tree), side by side in one run: an hour, a day and seven days
# at 1 s (synthetic days, examples/synth_day), and the time to jump to a moment of a day
# at 1 s. The TUI runs in a detached tmux session at 200×60; the script waits until the
# log is read (the header's interval count stops growing), moves the cursor (End, steps,
# zooms, jumps, PgUp, Home), waits for each moment to be read (no "reading" on screen),
# reads VmHWM from /proc/PID/status and quits with q. A jump is timed from the Enter that
# ends `j HH:MM` to the first screen showing that time with nothing left being read
# (polled every 10 ms), in a plain day and in the same day compressed (as rsadc leaves
# closed days: read from its start). Target: a day at 1 s ≤ 32 MB; after, flat in the
# log's length.
#
# Usage: bench/tui-memory.sh
#   BASE=REV      the revision to compare with (default main), built in target/ from
#                 `git archive`; BEFORE=PATH uses that rsar binary instead
#   HOST=1        also an hour at 1 s of the synthetic 128-CPU / 96-disk / 400-interface
#                 host (3600 rsadc runs, several minutes; target ≤ 64 MB)
#   KEEP=1        keeps the temporary directory
# Needs tmux. The builds run niced (nice -n 19), the measurements not.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "needs tmux (apt-get install tmux)" >&2; exit 1; }
tmp=$(mktemp -d)
if [ "${KEEP:-}" = 1 ]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
export TZ=UTC LC_ALL=C

before=${BEFORE:-}
if [ -z "$before" ]; then
  base=${BASE:-main}
  echo "building rsar at $base..." >&2
  mkdir "$tmp/base"
  git archive "$base" | tar -x -C "$tmp/base"
  nice -n 19 cargo build --release --quiet --bin rsar --manifest-path "$tmp/base/Cargo.toml" \
    --target-dir "$PWD/target"
  cp target/release/rsar "$tmp/rsar-before"
  before=$tmp/rsar-before
fi
# Built after the base: target/release/rsar is this tree's again.
nice -n 19 cargo build --release --quiet --workspace --bins --example synth_day --example synth_host
after=$PWD/target/release/rsar
if cmp -s "$before" "$after"; then
  echo "the two binaries are the same file: nothing to compare" >&2
  exit 1
fi

echo "writing 7 synthetic days at 1 s..." >&2
mkdir "$tmp/days"
for d in 15 16 17 18 19 20 21; do
  target/release/examples/synth_day "$tmp/days/rsar202511$d" 1 "2025-11-$d" >/dev/null
done
day=$tmp/days/rsar20251121

# The number of intervals the header says were read: "N/TOTAL" (before) or "N intervals".
intervals() {
  tmux capture-pane -p -t "$1" | head -1 |
    grep -oE '[0-9]+/[0-9]+|[0-9]+ intervals' | head -1 | grep -oE '[0-9]+$|^[0-9]+ ' |
    tr -d ' ' | tail -1
}

# Whether the screen shows the moment's detail (nothing "reading…").
decoded() {
  ! tmux capture-pane -p -t "$1" | grep -q 'reading'
}

wait_decoded() {
  for _ in $(seq 1 600); do
    decoded "$1" && return 0
    sleep 0.1
  done
  echo "the moment was not read in 60 s" >&2
}

# Start `RSAR tui ARGS...` in a session named $1, and wait until the log is read.
start() {
  local name=$1
  shift
  tmux kill-session -t "$name" 2>/dev/null || true
  tmux new-session -d -s "$name" -x 200 -y 60 "exec $(printf '%q ' "$@")"
  local last="" same=0 now
  for _ in $(seq 1 2400); do
    sleep 0.25
    now=$(intervals "$name")
    if [ -n "$now" ] && [ "$now" = "$last" ]; then
      same=$((same + 1))
      [ $same -ge 8 ] && break
    else
      same=0
    fi
    last=$now
  done
  wait_decoded "$name"
}

stop() {
  local name=$1 pid=$2
  tmux send-keys -t "$name" q
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && { echo "rsar tui did not quit on q" >&2; kill "$pid"; }
  tmux kill-session -t "$name" 2>/dev/null || true
}

# Peak RSS in kB of `RSAR tui ARGS...` moved about, and the intervals it read.
measure() {
  local name=rsar-tui-mem-$$
  start "$name" "$@"
  local pid n
  pid=$(tmux list-panes -t "$name" -F '#{pane_pid}')
  n=$(intervals "$name")
  for keys in End Left Left t T z z z Z PgUp "j 10:30 Enter" Home "j 00:30 Enter" Z Z End; do
    # shellcheck disable=SC2086
    tmux send-keys -t "$name" $keys
    sleep 0.3
    wait_decoded "$name"
  done
  local hwm
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  stop "$name" "$pid"
  echo "$hwm $n"
}

# Milliseconds from the Enter of `j CLOCK` to that moment on screen, read.
jump_ms() {
  local rsar=$1 file=$2 clock=$3 name=rsar-tui-jump-$$
  start "$name" "$rsar" tui -f "$file"
  local pid
  pid=$(tmux list-panes -t "$name" -F '#{pane_pid}')
  tmux send-keys -t "$name" j "$clock"
  sleep 0.3
  local t0 t1
  t0=$(date +%s%N)
  tmux send-keys -t "$name" Enter
  for _ in $(seq 1 6000); do
    s=$(tmux capture-pane -p -t "$name")
    if head -1 <<<"$s" | grep -q " $clock:0" && ! grep -q reading <<<"$s"; then
      break
    fi
    sleep 0.01
  done
  t1=$(date +%s%N)
  stop "$name" "$pid"
  echo $(((t1 - t0) / 1000000))
}

row() {
  local what=$1
  shift
  read -r kb0 n0 < <(measure "$before" tui "$@")
  read -r kb1 n1 < <(measure "$after" tui "$@")
  awk -v w="$what" -v a="$kb0" -v b="$kb1" -v n0="$n0" -v n1="$n1" 'BEGIN {
    printf "%-28s %8d %8d   %9.1f %9.1f\n", w, n0, n1, a / 1024, b / 1024 }'
}

printf "%-28s %8s %8s   %9s %9s\n" "replay at 1 s" "read" "read" "before MB" "after MB"
row "an hour (-s 10:00 -e 11:00)" -f "$day" -s 10:00:00 -e 11:00:00
row "a day" -f "$day"
row "7 days (--log-dir)" --log-dir "$tmp/days" --since "2025-11-15 00:00" --until "2025-11-21 23:59:59"

printf "\n%-28s %9s %9s\n" "jump in a day at 1 s" "before ms" "after ms"
for clock in 12:00 03:00 23:30; do
  printf "%-28s %9d %9d\n" "j $clock" "$(jump_ms "$before" "$day" "$clock")" \
    "$(jump_ms "$after" "$day" "$clock")"
done

# A closed day is compressed (rsadc --housekeeping): it cannot be sought, each read
# decodes it from its start.
mkdir "$tmp/zday"
cp "$day" "$tmp/zday/"
target/release/rsadc --housekeeping --retain-days 100000 "$tmp/zday" 2>/dev/null
zday=$(ls "$tmp"/zday/rsar20251121*)
for clock in 12:00 23:30; do
  printf "%-28s %9d %9d\n" "j $clock, compressed day" "$(jump_ms "$before" "$zday" "$clock")" \
    "$(jump_ms "$after" "$zday" "$clock")"
done

if [ "${HOST:-}" = 1 ]; then
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
  row "large host, an hour" -f "$host"
fi
