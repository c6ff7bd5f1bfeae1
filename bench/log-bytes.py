#!/usr/bin/env python3
"""Bytes per sample of an rsar log (format 2), per group, read from the file's frames and
blocks as docs/FORMAT.md describes them (an independent reader: it checks the spec too).

    bench/log-bytes.py LOG FROM TO [FROM TO ...]

For each window FROM..TO (sample records numbered from 0 in file order, TO exclusive)
prints the mean bytes per sample of each group (tag, length and body of its blocks),
of the framing (sync marker, length, kind, CRC and sequence number) and in all, and how
many of the group's blocks were keys, deltas and steps.
"""
import os
import re
import struct
import sys
import zlib

MAGIC = b"\x89RSAR\r\n\x1a"
UNCHANGED = 4  # not a mode: a group named in a record's unchanged-groups block
SYNC = b"\xd5\x5b"
KIND_SAMPLE = 6
MODES = {0: "key", 1: "delta", 2: "step", 3: "change", UNCHANGED: "unchanged"}


def varint(b, i):
    v = shift = 0
    while True:
        x = b[i]
        i += 1
        v |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return v, i


def group_names():
    doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "FORMAT.md")
    with open(doc, encoding="utf-8") as f:
        names = {int(i): n for i, n in re.findall(r"^#### Group (\d+): (\w+)", f.read(), re.M)}
    # Group 0 is not a metric group: the record's reference distance (format 3, mode key)
    # and its unchanged groups (format 4, mode change).
    return {0: "record", **names}


def samples(path):
    """Per sample record: (frame bytes, seq bytes, [(group id, mode, block bytes)])."""
    data = open(path, "rb").read()
    if data[:8] != MAGIC:
        sys.exit(f"{path}: not an rsar log")
    body_len = struct.unpack_from("<I", data, 12)[0]
    pos = 16 + body_len + 4
    out = []
    while pos + 11 <= len(data):
        if data[pos : pos + 2] != SYNC:
            sys.exit(f"{path}: no record marker at byte {pos}")
        n, kind = struct.unpack_from("<IB", data, pos + 2)
        payload = data[pos + 7 : pos + 7 + n]
        (crc,) = struct.unpack_from("<I", data, pos + 7 + n)
        if crc != zlib.crc32(data[pos + 2 : pos + 7 + n]):
            sys.exit(f"{path}: bad CRC at byte {pos}")
        pos += 11 + n
        if kind != KIND_SAMPLE:
            continue
        _, i = varint(payload, 0)
        seq_bytes, blocks = i, []
        while i < len(payload):
            start = i
            tag, i = varint(payload, i)
            blen, i = varint(payload, i)
            gid, mode = tag >> 2, tag & 3
            if gid == 0 and mode == 3:
                # Format 4's unchanged groups: a bit per group id; each costs nothing of
                # its own (the block's bytes are the record's).
                for byte, bits in enumerate(payload[i : i + blen]):
                    blocks += [(8 * byte + b, UNCHANGED, 0) for b in range(8) if bits >> b & 1]
            i += blen
            blocks.append((gid, mode, i - start))
        out.append((11 + n, seq_bytes, blocks))
    return out


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2:
        sys.exit(__doc__)
    names = group_names()
    recs = samples(sys.argv[1])
    for a, b in zip(sys.argv[2::2], sys.argv[3::2]):
        a, b = int(a), min(int(b), len(recs))
        window = recs[a:b]
        if not window:
            sys.exit(f"{sys.argv[1]}: no samples {a}..{b} (it has {len(recs)})")
        per, modes = {}, {}
        framing = 0
        for frame, seq, blocks in window:
            framing += frame - sum(x for _, _, x in blocks)
            for gid, mode, x in blocks:
                per[gid] = per.get(gid, 0) + x
                m = modes.setdefault(gid, {})
                m[mode] = m.get(mode, 0) + 1
        n = len(window)
        total = sum(f for f, _, _ in window)
        print(f"samples {a}..{b}: {total / n:.1f} bytes per sample")
        for gid in sorted(per, key=lambda g: -per[g]):
            counts = ", ".join(f"{c} {MODES[m]}" for m, c in sorted(modes[gid].items()))
            name = names.get(gid, f"group {gid}")
            print(f"  {name:<12}{per[gid] / n:8.1f}  {100 * per[gid] / total:5.1f} %  ({counts})")
        print(f"  {'framing':<12}{framing / n:8.1f}  {100 * framing / total:5.1f} %")


if __name__ == "__main__":
    main()
