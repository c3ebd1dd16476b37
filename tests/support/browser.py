"""Headless Chromium for the report tests: screenshots, the DOM, page widths, and pixels.

Chromium runs with no network features and a throwaway profile. Screenshots are read back with
a small PNG decoder (8-bit RGB or RGBA, as Chromium writes them), so tests can check that a
section really drew something: pixels that are neither the page nor the section background,
and pixels of a chart's own colours.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TIMEOUT_SECONDS = 90
# The report's page and section backgrounds (identity.report.html.CSS).
BACKGROUNDS = ((0xF5, 0xF7, 0xFA), (0xFF, 0xFF, 0xFF))
# A script that tests add to a copy of a page (the report itself has none): it writes the
# page's widths and height into the DOM that --dump-dom prints.
_PROBE = (
    "<script>addEventListener('load', () => {const d = document.documentElement;"
    "document.body.setAttribute('data-probe', [d.scrollWidth, d.clientWidth, d.scrollHeight]"
    ".join(','));});</script>"
)


def chromium() -> str:
    """The Chromium executable; skips the test without one (fails it when ``CI`` is set)."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    message = "chromium is not installed (Debian: apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI is set, so the screenshot test must run")
    pytest.skip(f"{message}; set CI=1 to make this a failure")


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium once with a fresh profile folder and no network features."""
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )


def screenshot(binary: str, page: Path, png: Path, width: int, height: int) -> np.ndarray:
    """Screenshot ``page`` in a ``width`` x ``height`` window; returns its pixels (RGB)."""
    shot = run_chromium(
        binary,
        png.with_suffix(".profile"),
        f"--screenshot={png}",
        f"--window-size={width},{height}",
        page.resolve().as_uri(),
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    return read_png(png)


def dump_dom(binary: str, page: Path, width: int = 1280) -> str:
    """The DOM of ``page`` after load, as Chromium serialises it."""
    dom = run_chromium(
        binary,
        page.with_suffix(".dom-profile"),
        f"--window-size={width},1000",
        "--dump-dom",
        page.resolve().as_uri(),
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout


def page_size(binary: str, page: Path, width: int) -> tuple[int, int, int]:
    """``(scrollWidth, clientWidth, scrollHeight)`` of ``page`` in a window ``width`` wide.

    Measured on a copy next to the page (same relative links) with a probe script added.
    """
    probe = page.with_name(f"_probe_{page.stem}.html")
    probe.write_text(page.read_text("utf-8").replace("</body>", _PROBE + "</body>"), "utf-8")
    found = re.search(r'data-probe="(\d+),(\d+),(\d+)"', dump_dom(binary, probe, width))
    assert found, "the probe script did not run"
    scroll_width, client_width, height = (int(v) for v in found.groups())
    return scroll_width, client_width, height


def fragment_page(html: str, start: str, end: str | None, out: Path) -> Path:
    """A page holding only ``html[start:end]`` (with the report's own styles), for a screenshot.

    Args:
        html: A whole report page.
        start: Text where the fragment starts (included).
        end: Text where it ends (excluded); None for the end of the ``<section>`` it is in.
        out: Where to write the page.

    Returns:
        ``out``.
    """
    head = html[: html.index("<body>")]
    begin = html.index(start)
    stop = html.index(end, begin + len(start)) if end else html.index("</section>", begin)
    fragment = html[begin:stop]
    if not fragment.startswith("<section"):  # a part of a section: give it the section's box
        fragment = f"<section>{fragment}</section>"
    else:
        fragment += "</section>"
    out.write_text(f"{head}<body>{fragment}</body></html>", "utf-8")
    return out


def read_png(path: Path) -> np.ndarray:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG into an ``(h, w, 3)`` array."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path.name} is no PNG"
    pos, idat = 8, b""
    width = height = kind = 0
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        name, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        pos += 12 + size
        if name == b"IHDR":
            width, height, depth, kind, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and kind in (2, 6) and not interlace, (depth, kind, interlace)
        elif name == b"IDAT":
            idat += body
    channels = 3 if kind == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        start = y * (stride + 1)
        kind_of_filter = raw[start]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=start + 1).astype(np.int32)
        line = _unfilter(kind_of_filter, line, previous, channels)
        rows[y] = line
        previous = line
    return rows.reshape(height, width, channels)[:, :, :3]


def _unfilter(kind: int, line: np.ndarray, up: np.ndarray, channels: int) -> np.ndarray:
    if kind == 0:
        return line
    if kind == 1:  # Sub: a running sum per channel
        return (np.cumsum(line.reshape(-1, channels), axis=0) % 256).reshape(-1)
    if kind == 2:
        return (line + up) % 256
    out = line.tolist()
    above = up.tolist()
    for x in range(len(out)):
        left = out[x - channels] if x >= channels else 0
        if kind == 3:
            out[x] = (out[x] + (left + above[x]) // 2) % 256
            continue
        corner = above[x - channels] if x >= channels else 0
        guess = left + above[x] - corner
        pa, pb, pc = abs(guess - left), abs(guess - above[x]), abs(guess - corner)
        best = left if pa <= pb and pa <= pc else above[x] if pb <= pc else corner
        out[x] = (out[x] + best) % 256
    return np.array(out, dtype=np.int32)


def near(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: int = 24) -> int:
    """Pixels within ``tolerance`` (per channel) of ``colour``."""
    diff = np.abs(pixels.astype(np.int32) - np.array(colour, dtype=np.int32))
    return int((diff.max(axis=2) <= tolerance).sum())


def ink_share(pixels: np.ndarray) -> float:
    """Share of pixels that are neither background: text, lines, bars and cells drawn."""
    background = np.zeros(pixels.shape[:2], dtype=bool)
    for colour in BACKGROUNDS:
        background |= (np.abs(pixels.astype(np.int32) - colour).max(axis=2)) <= 2
    return float((~background).mean())


def hex_colour(text: str) -> tuple[int, int, int]:
    """``#3d6fb6`` as ``(61, 111, 182)``."""
    value = text.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
