"""QR symbols for a preparation code: drawn with segno, read back with zxing-cpp (the CLI, the tests)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import segno
import zxingcpp
from PIL import Image, UnidentifiedImageError

ERROR_LEVEL = "m"


def symbols(texts: Sequence[str]) -> list[segno.QRCode]:
    """One QR symbol per text; several texts (of equal length) become a Structured Append sequence."""
    if len(texts) == 1:
        return [segno.make(texts[0], error=ERROR_LEVEL, mode="alphanumeric", boost_error=False, micro=False)]
    sequence = segno.make_sequence(
        "".join(texts), error=ERROR_LEVEL, mode="alphanumeric", boost_error=False, symbol_count=len(texts)
    )
    return list(sequence)


def svg(symbol: segno.QRCode, *, title: str, scale: int = 4) -> str:
    """An inline SVG (no style attribute: the CSP allows none), with a title for screen readers."""
    out = io.BytesIO()
    symbol.save(
        out,
        kind="svg",
        scale=scale,
        border=4,
        xmldecl=False,
        svgns=True,
        title=title,
        svgclass="qr-symbol",
        lineclass=None,
        omitsize=True,
        dark="#000",
        light="#fff",
    )
    return out.getvalue().decode("utf-8")


def png(symbol: segno.QRCode, *, scale: int = 6) -> bytes:
    out = io.BytesIO()
    symbol.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


class NoCodeFound(Exception):
    """The image holds no QR code that could be read."""


def read_image(source: Path | bytes | Image.Image) -> list[str]:
    """The text of every QR code in an image (a photo, a screenshot, a scan), in the order found."""
    try:
        image = (
            source
            if isinstance(source, Image.Image)
            else Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        )
        image.load()
    except (OSError, UnidentifiedImageError) as error:
        raise NoCodeFound(f"not an image that can be read: {error}") from error
    only_qr = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    found = zxingcpp.read_barcodes(image.convert("L"), formats=only_qr)
    texts = [barcode.text for barcode in found if barcode.valid]
    if not texts:
        raise NoCodeFound("no QR code found in the image")
    return texts
