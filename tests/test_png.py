"""cypp's PNG writer against the PNG specification, read back by Pillow (an independent decoder
that checks every chunk's CRC) and, for one pixel, worked out byte by byte here."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from cypp_lib.report import png


def _decoded(data: bytes) -> Image.Image:
    Image.open(io.BytesIO(data)).verify()  # structure and every chunk's CRC
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        out.append((kind, body))
        at += 12 + length
    return out


def test_one_white_pixel_byte_by_byte():
    data = png.encode(np.full((1, 1, 4), 255, np.uint8), dpi=100)
    chunks = _chunks(data)
    assert [k for k, _ in chunks] == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]
    # width 1, height 1, bit depth 8, colour type 2 (truecolour), deflate, filter method 0, no interlace
    assert chunks[0][1] == b"\x00\x00\x00\x01" b"\x00\x00\x00\x01" b"\x08\x02\x00\x00\x00"
    # 100 dpi = 100 / 0.0254 = 3937.007... pixels per metre, rounded: 3937 = 15 x 256 + 97 = 0x0F61, unit 1 (metre)
    assert chunks[1][1] == b"\x00\x00\x0f\x61" * 2 + b"\x01"
    assert zlib.decompress(chunks[2][1]) == b"\x00\xff\xff\xff"  # filter type 0, then R, G, B
    assert chunks[3][1] == b""


def test_opaque_pixels_come_back_exactly_as_rgb():
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    im = _decoded(png.encode(pixels, dpi=100))
    assert im.mode == "RGB" and im.size == (53, 37)
    assert np.array_equal(np.asarray(im), pixels[..., :3])
    assert im.info["dpi"] == pytest.approx((100, 100), abs=0.01)


def test_translucent_pixels_keep_their_alpha():
    rng = np.random.default_rng(8)
    pixels = rng.integers(0, 256, (20, 30, 4), dtype=np.uint8)
    pixels[0, 0, 3] = 254
    im = _decoded(png.encode(pixels, dpi=72))
    assert im.mode == "RGBA"
    assert np.array_equal(np.asarray(im), pixels)
    assert im.info["dpi"] == pytest.approx((72, 72), abs=0.01)


def test_a_slice_of_a_larger_canvas_is_encoded_as_what_it_shows():
    canvas = np.full((50, 60, 4), 255, np.uint8)
    canvas[10:20, 5:15, :3] = (0, 114, 178)
    crop = canvas[8:22, 3:17]  # not contiguous in memory
    assert np.array_equal(np.asarray(_decoded(png.encode(crop, dpi=100))), crop[..., :3])


def test_the_same_pixels_give_the_same_bytes():
    pixels = np.full((5, 5, 4), 200, np.uint8)
    pixels[..., 3] = 255
    assert png.encode(pixels, 100) == png.encode(pixels.copy(), 100)


@pytest.mark.parametrize("bad", [np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4, 4), np.float64),
                                 np.zeros((0, 4, 4), np.uint8)])
def test_anything_but_rgba_bytes_is_refused(bad):
    with pytest.raises(ValueError, match="RGBA"):
        png.encode(bad, 100)
