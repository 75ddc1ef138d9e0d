#!/usr/bin/env python3
"""Writes the web app's icons into frontend/icons/: the favicon's white check mark on the
brand indigo, as PNGs (the manifest's 192 and 512 px, a maskable 512 px one and the
180 px apple-touch-icon). Pure Python (zlib and struct), since the icons are committed and
this runs only when the design changes.

The plain icons are a rounded square with transparent corners. The maskable one and
Apple's fill the whole square, which the platform crops to its own shape, with the mark
inside the central 80 % circle that every mask keeps.

Usage: scripts/make-icons.py
"""

import math
import pathlib
import struct
import zlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "frontend" / "icons"
INDIGO = (0x4F, 0x46, 0xE5)
WHITE = (0xFF, 0xFF, 0xFF)
# The favicon's check on its 32-unit grid: 9,16.5 → 13.5,21 → 23,11.5, 3.5 wide.
CHECK = [(9.0, 16.5), (13.5, 21.0), (23.0, 11.5)]
STROKE = 3.5
# Samples per pixel along each axis, for smooth edges.
SUPERSAMPLE = 4


def segment_distance(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def in_check(x, y):
    return any(segment_distance(x, y, a, b) <= STROKE / 2 for a, b in zip(CHECK, CHECK[1:]))


def in_rounded_square(x, y, radius):
    cx, cy = min(max(x, radius), 32 - radius), min(max(y, radius), 32 - radius)
    return math.hypot(x - cx, y - cy) <= radius


def coverage(size, x, y, inside):
    """The share of the pixel's samples for which inside(u, v) holds, u and v on the grid."""
    hits = 0
    for sy in range(SUPERSAMPLE):
        for sx in range(SUPERSAMPLE):
            u = (x + (sx + 0.5) / SUPERSAMPLE) * 32 / size
            v = (y + (sy + 0.5) / SUPERSAMPLE) * 32 / size
            hits += inside(u, v)
    return hits / SUPERSAMPLE**2


def render(size, full_bleed, mark_scale):
    """RGBA rows. mark_scale shrinks the check about the centre (maskable safe zone)."""
    corner = 0.0 if full_bleed else 8.0

    def mark(u, v):
        return in_check(16 + (u - 16) / mark_scale, 16 + (v - 16) / mark_scale)

    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            background = 1.0 if full_bleed else coverage(size, x, y, lambda u, v: in_rounded_square(u, v, corner))
            white = coverage(size, x, y, mark) if background else 0.0
            colour = [round(i + (w - i) * white) for i, w in zip(INDIGO, WHITE)]
            row += bytes(colour) + bytes([round(255 * background)])
        rows.append(bytes(row))
    return rows


def png(size, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


ICONS = {
    "icon-192.png": (192, False, 1.0),
    "icon-512.png": (512, False, 1.0),
    # The check spans about 60 % of the square; at 0.8 it stays well inside the safe zone.
    "icon-maskable-512.png": (512, True, 0.8),
    "apple-touch-icon.png": (180, True, 0.9),
}

if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (size, full_bleed, scale) in ICONS.items():
        (OUT / name).write_bytes(png(size, render(size, full_bleed, scale)))
        print(f"{OUT / name}")
