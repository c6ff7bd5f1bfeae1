# The project's own tool (kept in shared/tools by the team; copied here so that a clone runs the benches).
# Makes a long sysstat data file for report-speed comparisons: cycles the records of a real sadc file
# (same activity list) N times, advancing uptime and wall time 1 s per record. The values repeat, so the
# rates at each cycle boundary are meaningless: use the result for timing only.
# Usage: python3 sa-synth.py SADC_FILE OUT N   (e.g. N=86400 for a day at 1 s)
import struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = open(src,'rb').read()
hsize = struct.unpack_from('<I', d, 8)[0]; off = 76
act_nr = struct.unpack_from('<I', d, off+20)[0]
act_size, rec_size = struct.unpack_from('<II', d, off+52)
ust0 = struct.unpack_from('<Q', d, off)[0]
off += hsize; acts = []
for i in range(act_nr):
    aid, magic, nr, nr2, has_nr, size = struct.unpack_from('<IIiiii', d, off); acts.append((nr,nr2,has_nr,size)); off += act_size
fixed = d[:off]; recs = []
while off + rec_size <= len(d):
    rt = d[off+20]; start = off; off += rec_size
    if rt != 1: off += 4 if rt == 2 else 64; continue
    for (nr,nr2,has_nr,size) in acts:
        k = nr
        if has_nr: k = struct.unpack_from('<i', d, off)[0]; off += 4
        off += k*nr2*size
    if off > len(d): break
    recs.append(bytearray(d[start:off]))
up0 = struct.unpack_from('<Q', recs[0], 0)[0]
with open(dst,'wb') as f:
    f.write(fixed)
    for i in range(n):
        r = bytearray(recs[i % len(recs)])
        t = ust0 + i
        struct.pack_into('<QQ', r, 0, up0 + 100*i, t)
        r[21], r[22], r[23] = (t//3600)%24, (t//60)%60, t%60
        f.write(r)
print(len(recs), "source records ->", n, "records")
