"""Repaint only what moved: how a live widget's matplotlib picture keeps up with a slider.

Every picture builds `matplotlib.figure.Figure` directly (no pyplot): no global state, nothing
displayed behind the caller's back, no figure leaks when a widget redraws a thousand times.
A live picture is split into still parts (`*_axes`) and moving parts (`*_marks`, returning the
artists they add): Blit draws the still parts once and paints the moving ones on top. A full
redraw costs 40-90 ms on a small machine, a repaint about 10.
"""
import io
import struct
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg


def png(fig, dpi="figure"):
    """PNG bytes of a whole figure, by default at its own dpi (as Blit paints it)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


class Blit:
    """Draw a figure's still parts once; each update restores them and paints the moving artists.
    Create it before adding moving artists, so they are not baked into the background."""

    def __init__(self, fig):
        self.fig, self.canvas = fig, FigureCanvasAgg(fig)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def png(self, artists):
        self.canvas.restore_region(self.background)
        for artist in artists:
            self.fig.draw_artist(artist)
        return rgba_png(self.canvas.buffer_rgba(), *self.canvas.get_width_height())


def _chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def rgba_png(rgba, width, height, level=1):
    """A PNG of an RGBA buffer (8 bits per channel, rows top to bottom): each row with filter 0
    (none), zlib at `level`. Lossless, and about 3x faster than PIL's encoder on a widget-sized
    picture (10 ms against 30 for 900x360 on a small machine), for a file of the same size."""
    pixels = np.frombuffer(rgba, dtype=np.uint8).reshape(height, width * 4)
    rows = np.zeros((height, width * 4 + 1), dtype=np.uint8)  # a 0 byte (no filter) per row
    rows[:, 1:] = pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), level)) + _chunk(b"IEND", b""))
