"""Helpers the page and chart tests share. Not a test module.

- ``live_charts(at)``: every live chart an AppTest run drew, key -> figure dict. A chart is a
  components-v2 element (``at.get("bidi_component")``); the plotly.min.js preloader is skipped.
- ``epoch_counter(at)``: the number in the page's "**Epoch N**" counter.
- ``png_pixels(url)``: decode the PNG data URLs our encoder writes (8-bit RGBA, Sub filter).
"""

from __future__ import annotations

import base64
import re
import zlib

import numpy as np

from playground.ui.live_chart import decode_payload


def live_charts(at) -> dict:
    return {el.proto.id.rsplit("live_chart:", 1)[1]: decode_payload(el.proto.bytes)["figure"]
            for el in at.get("bidi_component")
            if not el.proto.id.endswith("plotly-preload")}


def epoch_counter(at) -> int:
    for md in at.markdown:
        found = re.match(r"\*\*Epoch (\d+)\*\*", md.value)
        if found:
            return int(found.group(1))
    raise AssertionError("no epoch counter on the page")


def png_pixels(url: str) -> np.ndarray:
    """(rows, cols, 4) uint8 pixels of a ``data:image/png;base64,...`` URL."""
    raw = base64.b64decode(url.split(",", 1)[1])
    width, height = int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
    at, chunks = 8, b""
    while at < len(raw):
        n = int.from_bytes(raw[at:at + 4], "big")
        if raw[at + 4:at + 8] == b"IDAT":
            chunks += raw[at + 8:at + 8 + n]
        at += 12 + n
    rows = np.frombuffer(zlib.decompress(chunks), np.uint8).reshape(height, 1 + width * 4)
    assert (rows[:, 0] == 1).all(), "every row should use the Sub filter"
    pixels = np.cumsum(rows[:, 1:].reshape(height, width, 4).astype(np.int64), axis=1) % 256
    return pixels.astype(np.uint8)


def unescaped(markdown: str) -> str:
    """What a Markdown body escaped by ``text.md_escape`` reads as (backslash escapes and its
    zero-width spaces undone)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u200b", "")
