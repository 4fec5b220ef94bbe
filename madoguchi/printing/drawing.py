"""Drawing on A4 pages with ReportLab's canvas: text in the embedded fonts, bordered cells, check boxes.

Coordinates are PDF points from the bottom left. `Pages` keeps the cursor (`y`, the top of what comes
next), breaks pages, draws the running header and footer, and counts pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from madoguchi.printing.fonts import GOTHIC, MINCHO, FontSet, fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 12 * mm
MARGIN_BOTTOM = 16 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
LEFT = MARGIN_X
RIGHT = PAGE_WIDTH - MARGIN_X
BOTTOM = MARGIN_BOTTOM

INK = Color(0.1, 0.1, 0.11)
GRAY = Color(0.38, 0.38, 0.4)
RULE = Color(0.2, 0.2, 0.22)
LABEL_FILL = Color(0.925, 0.945, 0.97)
BAND_FILL = Color(0.84, 0.89, 0.95)
HEADER_FILL = Color(0.9, 0.93, 0.965)

LABEL_SIZE = 8.0
VALUE_SIZE = 10.5
SMALLEST_VALUE_SIZE = 7.5
FURIGANA_SIZE = 6.0
NOTE_SIZE = 7.5
LINE_WIDTH = 0.6
BOX = 8.5  # check box side

# Kinsoku: characters that may not start a line (they hang at the end of the previous one).
NO_LINE_START = set("、。，．,.)）」』】〕・ー々ゃゅょっャュョッァィゥェォ")

PAGE_COUNT_FORM = "madoguchi-page-count"


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: tuple[str, ...]


class Pages:
    """A PDF being written: the canvas, the cursor and the page furniture."""

    def __init__(self, *, title: str, footer_left: str, footer_right: str) -> None:
        self.fonts: FontSet = fonts()
        self.buffer = io.BytesIO()
        self.canvas = Canvas(
            self.buffer,
            pagesize=A4,
            invariant=True,
            pageCompression=1,
            initialFontName=GOTHIC,
            initialFontSize=VALUE_SIZE,
        )
        self.canvas.setTitle(title)
        self.canvas.setCreator("madoguchi")
        self.footer_left = footer_left
        self.footer_right = footer_right
        self.count = 0
        self.y = PAGE_HEIGHT - MARGIN_TOP
        self.missing: set[str] = set()
        self.on_new_page: Callable[[], None] | None = None  # repeats a heading on continuation pages
        self.started = False

    # --- text

    def width(self, text: str, font: str, size: float) -> float:
        return sum(stringWidth(run, name, size) for name, run in self.fonts.runs(text, font))

    def text(
        self,
        x: float,
        y: float,
        text: str,
        font: str = MINCHO,
        size: float = VALUE_SIZE,
        *,
        color: Color = INK,
        bold: bool = False,
    ) -> float:
        """Draw `text` with its baseline at y and return its width (rare characters in the fallback font)."""
        if not text:
            return 0.0
        self.missing |= self.fonts.missing(text, font)
        canvas = self.canvas
        start = x
        canvas.setFillColor(color)
        if bold:
            canvas.setStrokeColor(color)
            canvas.setLineWidth(size * 0.035)
        for name, run in self.fonts.runs(text, font):
            if bold:
                obj = canvas.beginText(x, y)
                obj.setTextRenderMode(2)  # fill and stroke: a heavier stroke, as IPAex has no bold face
                obj.setFont(name, size)
                obj.textOut(run)
                obj.setTextRenderMode(0)  # the render mode outlives the text object: reset it
                canvas.drawText(obj)
            else:
                canvas.setFont(name, size)
                canvas.drawString(x, y, run)
            x += stringWidth(run, name, size)
        return x - start

    def centred(self, x_centre: float, y: float, text: str, font: str, size: float, **kw: bool) -> None:
        self.text(x_centre - self.width(text, font, size) / 2, y, text, font, size, **kw)

    def right(self, x_right: float, y: float, text: str, font: str, size: float, color: Color = INK) -> None:
        self.text(x_right - self.width(text, font, size), y, text, font, size, color=color)

    def wrap(self, text: str, font: str, size: float, width: float) -> list[str]:
        """Break text into lines no wider than `width`: anywhere in Japanese, at spaces in Latin words."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            used = 0.0
            for char in paragraph:
                advance = self.width(char, font, size)
                if line and used + advance > width and char not in NO_LINE_START:
                    cut = len(line)
                    if char.isascii() and char.isalnum() and " " in line and line[-1].isascii():
                        cut = line.rindex(" ") + 1  # keep a Latin word whole
                    lines.append(line[:cut].rstrip())
                    line = line[cut:]
                    used = self.width(line, font, size)
                line += char
                used += advance
            lines.append(line)
        return lines

    def fit(
        self,
        text: str,
        font: str,
        width: float,
        *,
        size: float = VALUE_SIZE,
        smallest: float = SMALLEST_VALUE_SIZE,
    ) -> Fitted:
        """One line, shrinking the type down to `smallest`; else wrapped lines at `smallest`."""
        current = size
        while current >= smallest:
            if self.width(text, font, current) <= width:
                return Fitted(current, (text,))
            current -= 1.0
        return Fitted(smallest, tuple(self.wrap(text, font, smallest, width)))

    # --- shapes

    def cell(self, x: float, top: float, width: float, height: float, *, fill: Color | None = None) -> None:
        canvas = self.canvas
        canvas.setLineWidth(LINE_WIDTH)
        canvas.setStrokeColor(RULE)
        if fill is not None:
            canvas.setFillColor(fill)
        canvas.rect(x, top - height, width, height, stroke=1, fill=1 if fill is not None else 0)

    def check_box(self, x: float, y: float, ticked: bool) -> None:
        """A check box with its bottom left at (x, y), drawn as lines (no ☑ glyph needed)."""
        canvas = self.canvas
        canvas.setLineWidth(0.7)
        canvas.setStrokeColor(INK)
        canvas.rect(x, y, BOX, BOX, stroke=1, fill=0)
        if ticked:
            canvas.setLineWidth(1.4)
            canvas.setLineCap(1)
            canvas.setLineJoin(1)
            path = canvas.beginPath()
            path.moveTo(x + 1.7, y + 4.6)
            path.lineTo(x + 3.7, y + 1.9)
            path.lineTo(x + BOX + 1.2, y + BOX + 1.6)
            canvas.drawPath(path, stroke=1, fill=0)
            canvas.setLineCap(0)
            canvas.setLineJoin(0)

    def band(self, title: str) -> None:
        """A section heading: a tinted band across the page."""
        height = 15.0
        self.cell(LEFT, self.y, CONTENT_WIDTH, height, fill=BAND_FILL)
        self.text(LEFT + 5, self.y - height + 4.3, title, GOTHIC, 9.5, bold=True)
        self.y -= height

    def paragraph(
        self, text: str, *, size: float = NOTE_SIZE, indent: float = 0.0, color: Color = INK
    ) -> None:
        leading = size * 1.45
        for line in self.wrap(text, GOTHIC, size, CONTENT_WIDTH - indent):
            self.ensure(leading)
            self.text(LEFT + indent, self.y - size, line, GOTHIC, size, color=color)
            self.y -= leading

    # --- pages

    def new_page(self) -> None:
        if self.started:
            self.canvas.showPage()
        self.started = True
        self.count += 1
        self.y = PAGE_HEIGHT - MARGIN_TOP
        self._footer()
        if self.on_new_page is not None:
            self.on_new_page()

    def ensure(self, height: float) -> None:
        """Break the page unless `height` still fits above the footer."""
        if self.y - height < BOTTOM:
            self.new_page()

    def _footer(self) -> None:
        canvas = self.canvas
        y = MARGIN_BOTTOM - 9 * mm
        canvas.setStrokeColor(GRAY)
        canvas.setLineWidth(0.4)
        canvas.line(LEFT, y + 10, RIGHT, y + 10)
        self.text(LEFT, y, self.footer_left, GOTHIC, 7, color=GRAY)
        self.right(RIGHT, y, self.footer_right, GOTHIC, 7, color=GRAY)
        label = f"{self.count} / "
        x = PAGE_WIDTH / 2 - 6
        self.right(x, y, label, GOTHIC, 7, color=GRAY)
        canvas.saveState()
        canvas.translate(x, y)
        canvas.doForm(PAGE_COUNT_FORM)  # the total, known only at the end
        canvas.restoreState()

    def finish(self) -> bytes:
        canvas = self.canvas
        canvas.showPage()
        canvas.beginForm(PAGE_COUNT_FORM, lowerx=0, lowery=-3, upperx=30, uppery=10)
        self.text(0, 0, str(self.count), GOTHIC, 7, color=GRAY)
        canvas.endForm()
        canvas.save()
        return self.buffer.getvalue()


def column_edges(widths: Sequence[float], left: float = LEFT, total: float = CONTENT_WIDTH) -> list[float]:
    """The x of each column's left edge, and the right edge last, for relative widths."""
    scale = total / sum(widths)
    edges = [left]
    for width in widths:
        edges.append(edges[-1] + width * scale)
    return edges
