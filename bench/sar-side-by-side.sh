#!/usr/bin/env bash
# rsar beside Debian's sar, flag set by flag set: live (both started at the same moment,
# `FLAGS 1 1`; numbers differ by sampling skew, so layout is compared as well as bytes) or
# from one sa file (`FLAGS -f FILE`, bytes). Prints the counts the closing notes quote.
#
#   bench/sar-side-by-side.sh live  [RSAR_ARGS]     e.g. "--sar-version 12.6"
#   bench/sar-side-by-side.sh file  [RSAR_ARGS]     records FILE with sadc -S XALL 1 31
#
# RSAR names the binary (default target/release/rsar); FILE an existing sa file.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?live or file}; extra=${2:-}
RSAR=${RSAR:-target/release/rsar}
export TZ=UTC LC_ALL=C S_TIME_FORMAT=
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
layout() { sed 1d | sed -E 's/[0-9][0-9.:%]*/#/g' | tr -s ' '; }
n=0; lay=0; byte=0; bad=()
if [ "$mode" = live ]; then
  sets=("-u" "-u ALL" "-P ALL" "-q" "-q CPU" "-q IO,MEM" "-q LOAD" "-q ALL" "-q PSI" "-r" "-r ALL"
        "-S" "-W" "-B" "-b" "-d" "-d -p" "-d --pretty" "-n DEV" "-n DEV -p" "-n EDEV -p" "-n ETCP"
        "-n TCP,ETCP" "-n SOCK" "-n IP" "-w" "-I SUM" "-I SUM -p" "-F" "-F -p" "-F MOUNT" "-H" "-v"
        "-m CPU" "-n SOFT" "--dec=0 -u" "--dec=1 -r" "--dec=0 -d -p" "-r -B -n ETCP" "-y" "-h -u"
        "-h -r" "-h -d" "-h -n DEV" "--human -d")
  for f in "${sets[@]}"; do
    # shellcheck disable=SC2086
    { sar $f 1 1 >"$tmp/s" 2>&1 & "$RSAR" $extra $f 1 1 >"$tmp/r" 2>&1; wait; } || true
    n=$((n + 1))
    cmp -s "$tmp/s" "$tmp/r" && byte=$((byte + 1))
    if [ "$(layout <"$tmp/s")" == "$(layout <"$tmp/r")" ]; then lay=$((lay + 1)); else bad+=("$f"); fi
  done
  echo "live, rsar $extra: flag sets $n, layout identical $lay, byte-identical $byte"
  printf 'layout differs: %s\n' "${bad[@]+"${bad[@]}"}"
else
  file=${FILE:-}
  if [ -z "$file" ]; then file=$tmp/sa; /usr/lib/sysstat/sadc -S XALL 1 31 "$file"; fi
  sets=("-u" "-u ALL" "-P ALL" "-u ALL -P ALL" "-q" "-q CPU" "-q IO,MEM" "-q LOAD" "-q ALL" "-r"
        "-r ALL" "-S" "-W" "-B" "-b" "-d" "-d -p" "-n DEV" "-n DEV -p" "-n EDEV --pretty" "-n ETCP"
        "-n TCP,ETCP" "-n SOCK" "-w" "-I SUM" "-I SUM -p" "-I ALL" "-F" "-F -p" "-F MOUNT" "-H" "-v"
        "-m CPU -P ALL" "-n SOFT -P ALL" "--dec=0 -u" "--dec=1 -r" "--dec=0 -d -p" "-r -B -n ETCP"
        "-A" "--dec=1 -A" "-h -A" "-h -r -d -n DEV -F" "--human -d")
  for f in "${sets[@]}"; do
    # shellcheck disable=SC2086
    sar $f -f "$file" >"$tmp/s" 2>&1 || true
    # shellcheck disable=SC2086
    "$RSAR" $extra $f -f "$file" >"$tmp/r" 2>&1 || true
    n=$((n + 1))
    if cmp -s "$tmp/s" "$tmp/r"; then byte=$((byte + 1)); else bad+=("$f"); fi
  done
  echo "file, rsar $extra: flag sets $n, byte-identical $byte"
  printf 'differs: %s\n' "${bad[@]+"${bad[@]}"}"
fi
