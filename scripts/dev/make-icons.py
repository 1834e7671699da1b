#!/usr/bin/env python3
"""Draws Stackpilot's icon (three stacked layers on a rounded square) as RGBA PNGs.

Pure standard library, so it runs anywhere: python3 scripts/dev/make-icons.py
"""
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "icons"


def png(size: int) -> bytes:
    rows = []
    r = size * 0.18
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # rounded square mask
            cx = min(max(x + 0.5, r), size - r)
            cy = min(max(y + 0.5, r), size - r)
            inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r
            if not inside:
                row += bytes([0, 0, 0, 0])
                continue
            color = (31, 41, 64)  # deep navy background
            u, v = (x + 0.5) / size, (y + 0.5) / size
            for i, shade in enumerate([(94, 234, 212), (56, 189, 248), (129, 140, 248)]):
                top = 0.26 + i * 0.17
                # a layer: a flattened diamond band
                if abs(u - 0.5) * 0.55 + abs(v - top - 0.08) < 0.2 and v < top + 0.16:
                    color = shade
                    break
            row += bytes([*color, 255])
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


OUT.mkdir(exist_ok=True)
for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
    (OUT / name).write_bytes(png(size))
print("icons written to", OUT)
