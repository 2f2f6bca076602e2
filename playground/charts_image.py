"""A heatmap as a PNG data URL, for drawing a decision boundary as a layout image.

A heatmap trace makes plotly.js colour every cell in JavaScript and paint a canvas on each
redraw; a layout image only decodes a small PNG. ``heatmap_image`` colours the grid on the
server with a 256-entry lookup table and encodes the PNG with zlib (no PIL). bench/ measures
both ways (bench/bench_live_chart.py).

Leaves out: a colour bar and hover values (a layout image has neither); pair the image with a
trace if those are needed. No Streamlit here: pure NumPy + zlib, plus plotly.colors for names.
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np
from plotly.colors import get_colorscale, hex_to_rgb, unlabel_rgb

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def heatmap_image(z: np.ndarray, colorscale: str | list = "RdBu", zmin: float = 0.0,
                  zmax: float = 1.0, opacity: float = 1.0) -> str:
    """``data:image/png;base64,...`` of ``z`` coloured like a Plotly heatmap.

    Parameters
    ----------
    z : (rows, cols) array; row 0 is the BOTTOM row, as in a heatmap trace (y grows upward).
    colorscale : a Plotly colorscale name or [[position, colour], ...] list.
    zmin, zmax : values mapped to the two ends of the scale; outside values are clipped; NaN is
        transparent.
    opacity : alpha of every finite cell, 0..1.

    Place it with a layout image: xref "x", yref "y", x = left edge, y = top edge,
    sizex/sizey = the grid's width/height, sizing "stretch", layer "below".
    """
    z = np.asarray(z, dtype=np.float32)
    lut = _lookup_table(colorscale, round(255 * opacity))
    scaled = (z - zmin) * (255.0 / max(zmax - zmin, 1e-12))
    index = np.clip(np.nan_to_num(scaled, nan=0.0), 0, 255).astype(np.uint8)
    rgba = lut[index]
    rgba[np.isnan(z), 3] = 0
    png = encode_png(rgba[::-1])  # PNG rows run top to bottom
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _lookup_table(colorscale: str | list, alpha: int) -> np.ndarray:
    """(256, 4) uint8 RGBA: the colorscale sampled at 256 evenly spaced positions."""
    scale = get_colorscale(colorscale) if isinstance(colorscale, str) else colorscale
    positions = np.array([float(p) for p, _ in scale])
    colours = np.array([_rgb(c) for _, c in scale], dtype=np.float64)
    at = np.linspace(0.0, 1.0, 256)
    lut = np.empty((256, 4), dtype=np.uint8)
    for channel in range(3):
        lut[:, channel] = np.round(np.interp(at, positions, colours[:, channel]))
    lut[:, 3] = alpha
    return lut


def _rgb(colour: str) -> tuple[float, float, float]:
    if colour.startswith("#"):
        return hex_to_rgb(colour)
    return tuple(float(v) for v in unlabel_rgb(colour)[:3])


def encode_png(rgba: np.ndarray) -> bytes:
    """PNG bytes of a (rows, cols, 4) uint8 image, rows top to bottom.

    Every row uses the Sub filter (each byte minus the byte one pixel to its left), which
    turns smooth colour ramps into runs of small numbers that zlib packs well.
    """
    rows, cols, _ = rgba.shape
    pixels = rgba.astype(np.uint8).reshape(rows, cols * 4)
    filtered = pixels.copy()
    filtered[:, 4:] -= pixels[:, :-4]  # uint8 arithmetic wraps mod 256, as PNG wants
    scanlines = np.hstack([np.ones((rows, 1), dtype=np.uint8), filtered])  # 1 = Sub filter
    header = struct.pack(">IIBBBBB", cols, rows, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"".join([_PNG_SIGNATURE, _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(scanlines.tobytes(), 6)),
                     _chunk(b"IEND", b"")])


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
