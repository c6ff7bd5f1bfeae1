#!/usr/bin/env bash
# Process recording beside atop, in one run: collector CPU per sample (marginal: two run
# lengths, so start-up cancels out) and bytes per sample of the raw log, with the
# machine's own processes and with 2,000 extra ones spawned for the run.
#
#   bench/processes-vs-atop.sh          # 10 and 40 samples at 1 s, then with 2,000 more
#   SHORT=5 LONG=20 bench/processes-vs-atop.sh
#
# Needs atop (apt-get install atop). rsadc records the system groups and the process
# table; atop -w records the same (system + every process).
set -euo pipefail
cd "$(dirname "$0")/.."
SHORT=${SHORT:-10}
LONG=${LONG:-40}
command -v atop >/dev/null || { echo "atop not found: apt-get install atop" >&2; exit 1; }
cargo build --release --quiet --workspace
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
hz=$(getconf CLK_TCK)

# CPU ms and output bytes of one collector run: name, samples, command with OUT for the file.
run() {
  local name=$1 n=$2; shift 2
  local out="$work/$name.$n"
  local cmd=("${@//OUT/$out}")
  /usr/bin/time -f '%U %S' -o "$work/t" "${cmd[@]}" >/dev/null 2>&1
  local bytes
  bytes=$(stat -c %s "$out" 2>/dev/null || du -sb "$out" | cut -f1)
  awk -v b="$bytes" '{printf "%.1f %d\n", ($1 + $2) * 1000, b}' "$work/t"
}

measure() { # label
  local label=$1
  read -r rs_s rb_s < <(run rsadc "$SHORT" target/release/rsadc --file OUT 1 "$SHORT")
  read -r rs_l rb_l < <(run rsadc "$LONG" target/release/rsadc --file OUT 1 "$LONG")
  read -r as_s ab_s < <(run atop "$SHORT" atop -w OUT 1 "$SHORT")
  read -r as_l ab_l < <(run atop "$LONG" atop -w OUT 1 "$LONG")
  local procs
  procs=$(ls -d /proc/[0-9]* | wc -l)
  awk -v l="$label" -v p="$procs" -v n=$((LONG - SHORT)) \
    -v rs="$rs_s" -v rl="$rs_l" -v rbs="$rb_s" -v rbl="$rb_l" \
    -v as="$as_s" -v al="$as_l" -v abs="$ab_s" -v abl="$ab_l" 'BEGIN {
    rc = (rl - rs) / n; ac = (al - as) / n; rb = (rbl - rbs) / n; ab = (abl - abs) / n
    printf "%s (%d processes)\n", l, p
    printf "  CPU per sample    rsadc %7.2f ms   atop %7.2f ms   ratio %.2f  (target <= 1)\n", rc, ac, (ac > 0 ? rc / ac : 0)
    printf "  bytes per sample  rsadc %7.0f B    atop %7.0f B    ratio %.2f  (target <= 0.5)\n", rb, ab, (ab > 0 ? rb / ab : 0)
  }'
}

measure "this machine"
# 2,000 sleeping processes more.
for ((i = 0; i < 2000; i++)); do sleep 600 & done
sleep 1
measure "with 2,000 more"
