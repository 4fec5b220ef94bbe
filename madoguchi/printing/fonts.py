"""The embedded TrueType fonts of the forms, and the fallback to IPAmj明朝 for rare name characters.

IPAex ゴシック (labels, titles) and IPAex 明朝 (what was entered) are vendored in `fonts/` and embedded as
subsets. IPAex covers JIS X 0213 but not every character of the 住民基本台帳 (e.g. 𠮷); when IPAmj明朝
(Debian fonts-ipamj-mincho) is installed on the machine it is used for the characters IPAex lacks.
Without it those characters print with IPAex's missing-glyph box and are reported in `Bundle.missing_glyphs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with characters beyond the BMP (𠮷 U+20BB7) as UTF-16 surrogate pairs.

    ReportLab writes every code point with `%04X`, so U+20BB7 becomes <20BB7>, which readers take as
    U+20BB and a stray digit: the name would print right but copy and search wrong.
    """
    cmap: str = _reportlab_to_unicode_cmap(fontname, subset)
    for index, code in enumerate(subset):
        if code > 0xFFFF:
            wrong = f"<{index:02X}> <{code:04X}>"
            cmap = cmap.replace(wrong, f"<{index:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>")
    return cmap


ttfonts.makeToUnicodeCMap = _to_unicode_cmap

FONT_DIR = Path(__file__).resolve().parent / "fonts"
GOTHIC = "IPAexGothic"
MINCHO = "IPAexMincho"
MJ_MINCHO = "IPAmjMincho"
IPAMJ_FILE_NAMES = ("ipamjm.ttf", "ipamjm.otf")
IPAMJ_SEARCH_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
)


@dataclass(frozen=True)
class FontSet:
    """The registered fonts: name → the code points it has a glyph for."""

    coverage: dict[str, frozenset[int]]
    fallback: str | None  # IPAmj明朝 when installed

    def runs(self, text: str, font: str) -> list[tuple[str, str]]:
        """Split text into (font, text) runs: characters `font` lacks go to the fallback when it has them."""
        primary = self.coverage[font]
        if self.fallback is None or all(ord(char) in primary for char in text):
            return [(font, text)]
        backup = self.coverage[self.fallback]
        runs: list[tuple[str, str]] = []
        for char in text:
            code = ord(char)
            name = font if code in primary or code not in backup else self.fallback
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + char)
            else:
                runs.append((name, char))
        return runs

    def missing(self, text: str, font: str) -> set[str]:
        """Characters of `text` that neither `font` nor the fallback can print."""
        backup = self.coverage.get(self.fallback or "", frozenset())
        primary = self.coverage[font]
        return {c for c in text if ord(c) not in primary and ord(c) not in backup and not c.isspace()}


def find_ipamj() -> Path | None:
    """IPAmj明朝 installed on this machine (not shipped with the project), or None."""
    for directory in IPAMJ_SEARCH_DIRS:
        if not directory.is_dir():
            continue
        for name in IPAMJ_FILE_NAMES:
            found = sorted(directory.rglob(name))
            if found:
                return found[0]
    return None


def _register(name: str, path: Path) -> frozenset[int]:
    font = TTFont(name, str(path))  # subset and embedded by ReportLab
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charWidths)


@cache
def fonts() -> FontSet:
    """Register the fonts with ReportLab once per process."""
    coverage = {
        GOTHIC: _register(GOTHIC, FONT_DIR / "ipaexg.ttf"),
        MINCHO: _register(MINCHO, FONT_DIR / "ipaexm.ttf"),
    }
    fallback = None
    ipamj = find_ipamj()
    if ipamj is not None and ipamj.suffix == ".ttf":
        coverage[MJ_MINCHO] = _register(MJ_MINCHO, ipamj)
        fallback = MJ_MINCHO
    return FontSet(coverage=coverage, fallback=fallback)
