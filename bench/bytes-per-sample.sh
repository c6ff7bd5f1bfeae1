#!/usr/bin/env bash
# Bytes per sample of a live log beside sadc's, in one run on this machine (DESIGN.md §7:
# target <= 1/10 of sadc's), and where rsadc's bytes go, group by group. Needs sysstat
# (apt-get install sysstat). Takes COUNT seconds.
#
#   bench/bytes-per-sample.sh                      # 131 samples at 1 s
#   COUNT=61 bench/bytes-per-sample.sh             # only the window 11..61
#   RSADC=target/debug/rsadc bench/bytes-per-sample.sh     # no release build
#   BEFORE=/tmp/old/rsadc bench/bytes-per-sample.sh         # an older rsadc in the same run
#
# Two collections, each beside the sadc that records the same activities:
# - `rsadc --no-processes --no-snmp`  beside `sadc -S DISK`;
# - `rsadc --no-processes` (the default groups, SNMP included) beside `sadc -S DISK,SNMP,IPV6`;
# both with `--no-cgroups` where rsadc has it: sadc records no cgroups.
# All run at once, so they see the same activity. A sample's bytes are its marginal bytes
# between sample FROM (11: after the first key and the first samples) and TO: for sadc the
# size difference of files of TO and FROM samples taken side by side, divided by TO − FROM;
# for rsadc the frames of those samples (bench/log-bytes.py, which reads the file as
# docs/FORMAT.md describes it). Windows: FROM..61 (no key in it: the steady state between
# keys) and FROM..COUNT (with COUNT > 64: the keys of sample 64 and 128 counted too).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-131}
FROM=11
SADC=${SADC:-/usr/lib/sysstat/sadc}
[ -x "$SADC" ] || { echo "sadc not found: apt-get install sysstat" >&2; exit 1; }
if [ -z "${RSADC:-}" ]; then
  cargo build --release --quiet -p rsadc
  RSADC=target/release/rsadc
fi
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

windows=("$FROM" 61)
[ "$COUNT" -gt 61 ] && windows+=("$FROM" "$COUNT")
echo "== $COUNT samples at 1 s of this machine, every collector at once ($(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))" >&2
for n in "$FROM" 61 "$COUNT"; do
  "$SADC" -S DISK 1 "$n" "$work/sa.$n" &
  "$SADC" -S DISK,SNMP,IPV6 1 "$n" "$work/sn.$n" &
done
# The same collection as sadc's: no cgroups (an rsadc from before them has no such flag).
nocg() { if "$1" --help 2>/dev/null | grep -q -- --no-cgroups; then echo --no-cgroups; fi; }
"$RSADC" --file "$work/nosnmp" --no-processes --no-snmp $(nocg "$RSADC") 1 "$COUNT" 2>/dev/null &
"$RSADC" --file "$work/snmp" --no-processes $(nocg "$RSADC") 1 "$COUNT" 2>/dev/null &
if [ -n "${BEFORE:-}" ]; then
  "$BEFORE" --file "$work/before_nosnmp" --no-processes --no-snmp $(nocg "$BEFORE") 1 "$COUNT" 2>/dev/null &
  "$BEFORE" --file "$work/before_snmp" --no-processes $(nocg "$BEFORE") 1 "$COUNT" 2>/dev/null &
fi
wait

# Mean bytes per sample of an rsadc log in window A..B (the first line of log-bytes.py).
rs() { python3 bench/log-bytes.py "$1" "$2" "$3" | awk 'NR == 1 {print $3}'; }
sa() { echo $(( ($(stat -c %s "$work/$1.$3") - $(stat -c %s "$work/$1.$2")) / ($3 - $2) )); }
printf '%-44s %-9s %8s %8s %8s   %s\n' "bytes per sample" window sadc rsadc ratio target
row() { # label, sadc file prefix, rsadc log, from, to
  local s r
  s=$(sa "$2" "$4" "$5"); r=$(rs "$3" "$4" "$5")
  printf '%-44s %-9s %8d %8.1f %7.3fx   %s\n' "$1" "$4..$5" "$s" "$r" "$(awk -v r="$r" -v s="$s" 'BEGIN {print r / s}')" "${6:-}"
}
set -- "${windows[@]}"
while [ $# -gt 0 ]; do
  row "rsadc --no-snmp        vs sadc -S DISK" sa "$work/nosnmp" "$1" "$2" "<= 0.10x"
  [ -n "${BEFORE:-}" ] && row "  (before)" sa "$work/before_nosnmp" "$1" "$2"
  row "rsadc (SNMP)  vs sadc -S DISK,SNMP,IPV6" sn "$work/snmp" "$1" "$2" "<= 0.10x"
  [ -n "${BEFORE:-}" ] && row "  (before)" sn "$work/before_snmp" "$1" "$2"
  shift 2
done
echo
echo "== rsadc --no-processes --no-snmp, by group"
python3 bench/log-bytes.py "$work/nosnmp" "${windows[@]}"
if [ -n "${BEFORE:-}" ]; then
  echo
  echo "== (before) by group"
  python3 bench/log-bytes.py "$work/before_nosnmp" "${windows[@]}"
fi
