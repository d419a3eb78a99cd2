#!/usr/bin/env python3
"""Checks examples/render_to_png's output: a valid PNG (signature, chunk CRCs, zlib
stream), 256x256 RGBA8, the triangle's orange at its centre and the dark blue clear
colour in the corners.

Usage: check_png.py <file.png>
"""
import struct
import sys
import zlib

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height = 8, b"", 0, 0
while pos < len(data):
    (length,) = struct.unpack(">I", data[pos : pos + 4])
    kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
    (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
    assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind}"
    if kind == b"IHDR":
        width, height, depth, color = struct.unpack(">IIBB", body[:10])
        assert (depth, color) == (8, 6), "not 8-bit RGBA"
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = 1 + width * 4


def pixel(x, y):
    at = y * stride + 1 + x * 4
    return tuple(raw[at : at + 4])


checks = {
    "centre": (pixel(128, 128), (255, 128, 0, 255)),
    "top-left": (pixel(2, 2), (0, 0, 64, 255)),
    "bottom-right": (pixel(253, 253), (0, 0, 64, 255)),
}
bad = {k: v for k, v in checks.items() if v[0] != v[1]}
print(f"{width}x{height}: " + ", ".join(f"{k} {v[0]}" for k, v in checks.items()))
sys.exit(1 if bad or (width, height) != (256, 256) else 0)
