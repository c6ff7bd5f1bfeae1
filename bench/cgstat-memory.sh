#!/bin/sh
# What `rsar cgstat -f` keeps while it reads a log: its peak resident memory on logs of
# the same cgroups per sample (200, 5 of them replaced every sample) but of different
# lengths. Streaming, the peak must not grow with the length.
# Usage: bench/cgstat-memory.sh   (from the repository; builds release binaries)
set -eu
cargo build --release --quiet --bin rsar --example cgroup_day
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for n in 1000 8000 32000; do
    target/release/examples/cgroup_day "$dir/day$n" "$n"
    /usr/bin/time -f "$n samples ($(du -k "$dir/day$n" | cut -f1) kB): %M kB peak, %e s" \
        target/release/rsar cgstat -u -r -f "$dir/day$n" >/dev/null
done
