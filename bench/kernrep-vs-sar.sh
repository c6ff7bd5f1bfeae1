#!/usr/bin/env bash
# The kernel-side reports beside Debian's sar at the same moment, same flags:
# -H, -v, -I SUM, -F, -m CPU (live, 1 s, 3 reports each; rsar and sar start together).
# Levels (-v file-nr, -H, -F MBfsfree) must agree up to what changed between the two
# reads; rates (-I) up to sampling noise. Needs sysstat (sar).
#
#   bench/kernrep-vs-sar.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sar >/dev/null || { echo "needs sysstat's sar" >&2; exit 1; }
cargo build --release --quiet --workspace
export LC_ALL=C TZ=UTC S_TIME_FORMAT=
rsar=target/release/rsar
for flags in "-H" "-v" "-I SUM" "-I SUM -P ALL" "-F" "-m CPU" "-y" "-n NFS,NFSD"; do
  # shellcheck disable=SC2086
  { $rsar $flags 1 3 >/tmp/kernrep-rsar.$$ & sar $flags 1 3 >/tmp/kernrep-sar.$$; wait; }
  echo "=== $flags"
  paste -d'|' <(sed 1d /tmp/kernrep-sar.$$ | sed '/^$/d') <(sed 1d /tmp/kernrep-rsar.$$ | sed '/^$/d') |
    awk -F'|' '{printf "sar : %s\nrsar: %s\n", $1, $2}'
done
rm -f /tmp/kernrep-rsar.$$ /tmp/kernrep-sar.$$

# From the logs: sadc (-S XALL: every activity) and rsadc (--with: every group) record the
# same four seconds, then each reader reports its own file.
SADC=${SADC:-/usr/lib/sysstat/sadc}
if [ -x "$SADC" ]; then
  work=$(mktemp -d)
  mkdir -m 755 "$work/rsar"
  { "$SADC" -S XALL 1 4 "$work/sa" & target/release/rsadc --with interrupts,cpufreq 1 4 "$work/rsar" 2>/dev/null; wait; }
  for flags in "-v" "-H" "-I SUM" "-F"; do
    echo "=== $flags -f (from the logs)"
    # shellcheck disable=SC2086
    paste -d'|' <(sar $flags -f "$work/sa" | sed 1d | sed '/^$/d') \
      <($rsar $flags -f "$work"/rsar/rsar* | sed 1d | sed '/^$/d') |
      awk -F'|' '{printf "sar : %s\nrsar: %s\n", $1, $2}'
  done
  rm -rf "$work"
fi
