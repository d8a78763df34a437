#!/usr/bin/env python3
"""Lists the images in a fat binary section (objcopy -O binary --only-section=.nv_fatbin): one line
"elf sm_NN" or "ptx compute_NN" per image. There is no cuobjdump in every CUDA install (not in the
compiler-only one this project builds with), so this reads the container's documented-by-use layout:
a 16-byte header (magic 0xBA55ED50, version, header size, size of the entries), then entries each
with kind (1 = PTX, 2 = ELF) at +0, their header size at +4, payload size at +8 and the SM version
at +28; several containers (one per object file) follow each other."""
import struct
import sys

MAGIC = 0xBA55ED50
data = open(sys.argv[1], "rb").read()
at = 0
found = 0
while at + 16 <= len(data):
    magic, _version, header, size = struct.unpack_from("<IHHQ", data, at)
    if magic != MAGIC:
        at += 8  # containers are 8-byte aligned; skip padding
        continue
    entry = at + header
    end = entry + size
    while entry + 32 <= end:
        kind, _v, eheader, payload = struct.unpack_from("<HHIQ", data, entry)
        arch = struct.unpack_from("<I", data, entry + 28)[0]
        if kind == 1:
            print(f"ptx compute_{arch}")
        elif kind == 2:
            print(f"elf sm_{arch}")
        else:
            print(f"kind{kind} {arch}")
        found += 1
        entry += eheader + payload
    at = end
if found == 0:
    sys.exit("no fat binary container found")
