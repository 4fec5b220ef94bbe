"""The certificate itself: the city's layout in IPAmj明朝, the 公印, a copy-deterrent ground pattern, a
verification QR code, and a PAdES signature with the city's issuing key (pyHanko).

What the document says is built from a `Content` the issuer reads from the registry for the request's own
subject; the request id and a tag of the subject are in the PDF's metadata, where the terminal checks
them against its own session before it prints.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from dataclasses import dataclass
from datetime import date
from functools import cache

import segno
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.colors import Color  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from madoguchi.certificates.keys import issuing_keys
from madoguchi.identity.wareki import format_date
from madoguchi.printing.fonts import GOTHIC, MINCHO, MJ_MINCHO, fonts

CODE_PREFIX = "MDG1V"
INK = Color(0.1, 0.1, 0.1)
SEAL_RED = Color(0.82, 0.1, 0.12)
GROUND = Color(0.86, 0.88, 0.92)
LATENT = Color(0.92, 0.93, 0.955)


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    heading: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Content:
    title: str
    sections: tuple[Section, ...]
    attestation: str  # 証明文


def subject_tag(request_id: str, subject: str) -> str:
    """Binds a document to its request and subject without printing the 住民票コード into the file."""
    return hashlib.sha256(f"{request_id}:{subject}".encode()).hexdigest()[:32]


def verification_token(serial: str) -> str:
    return hmac.new(issuing_keys().code_secret, serial.encode(), hashlib.sha256).hexdigest()[:16].upper()


def verification_code(serial: str) -> str:
    return f"{CODE_PREFIX}{serial}.{verification_token(serial)}"


def _font() -> str:
    return MJ_MINCHO if fonts().fallback == MJ_MINCHO else MINCHO


def _ground(canvas: Canvas, width: float, height: float) -> None:
    """A fine line screen with a latent 「複写」 in a slightly different tone: close to even on the original;
    a copier drops the hairlines and keeps the solid letters, so the word shows on a copy (simulated)."""
    canvas.saveState()
    canvas.setStrokeColor(GROUND)
    canvas.setLineWidth(0.25)
    path = canvas.beginPath()
    step = 1.8
    offset = -height
    while offset < width:
        path.moveTo(offset, 0)
        path.lineTo(offset + height, height)
        offset += step
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.setFillColor(LATENT)
    canvas.setFont(GOTHIC, 54)
    for row in range(4):
        for column in range(3):
            canvas.saveState()
            canvas.translate(30 * mm + column * 65 * mm, 40 * mm + row * 65 * mm)
            canvas.rotate(30)
            canvas.drawString(0, 0, "複写")
            canvas.restoreState()
    canvas.restoreState()


def _seal(canvas: Canvas, x: float, y: float, size: float, city: str) -> None:
    """The 公印 (みなと市長之印): a red square seal, drawn as vectors so that it prints sharp."""
    canvas.saveState()
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setLineWidth(1.6)
    canvas.rect(x, y, size, size, stroke=1, fill=0)
    canvas.setLineWidth(0.6)
    canvas.rect(x + 2, y + 2, size - 4, size - 4, stroke=1, fill=0)
    text = city + "長之印"
    columns = 3 if len(text) <= 9 else 4
    per_column = -(-len(text) // columns)
    canvas.setFont(GOTHIC, size / (per_column + 0.6))
    for index in range(columns):  # read top to bottom, right to left
        cx = x + size - (index + 0.5) * size / columns
        for row, char in enumerate(text[index * per_column : (index + 1) * per_column]):
            canvas.drawCentredString(cx, y + size - (row + 1) * size / (per_column + 0.3), char)
    canvas.restoreState()


def _text(canvas: Canvas, x: float, y: float, value: str, font: str, size: float) -> None:
    """`value` with the characters `font` lacks (𠮷, 髙) in IPAmj明朝."""
    for run_font, text in fonts().runs(value, font):
        canvas.setFont(run_font, size)
        canvas.drawString(x, y, text)
        x += canvas.stringWidth(text, run_font, size)


def render(
    content: Content, *, serial: str, request_id: str, tag: str, issued_on: date, copy_of: str = ""
) -> bytes:
    """The unsigned PDF of one certificate."""
    font = _font()
    fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=False)
    width, height = A4
    city = str(settings.CITY_NAME_JA)
    canvas.setTitle(content.title)
    canvas.setAuthor(city)
    canvas.setSubject(f"madoguchi-certificate serial={serial} request={request_id} tag={tag}")
    canvas.setKeywords(f"serial={serial} request={request_id} tag={tag}")
    _ground(canvas, width, height)

    canvas.setFillColor(INK)
    canvas.setFont(font, 20)
    canvas.drawCentredString(width / 2, height - 30 * mm, content.title)
    canvas.setFont(GOTHIC, 8)
    canvas.drawRightString(width - 18 * mm, height - 16 * mm, f"証明書番号 {serial}")

    y = height - 45 * mm
    for section in content.sections:
        _text(canvas, 20 * mm, y, section.heading, GOTHIC, 10)
        y -= 2 * mm
        canvas.setLineWidth(0.5)
        canvas.line(20 * mm, y, width - 20 * mm, y)
        y -= 6 * mm
        for row in section.rows:
            canvas.setFont(GOTHIC, 8.5)
            canvas.drawString(22 * mm, y, row.label)
            _text(canvas, 62 * mm, y, row.value, font, 11)
            y -= 7 * mm
            if y < 80 * mm:
                break
        y -= 4 * mm

    canvas.setFont(font, 11)
    canvas.drawString(20 * mm, 62 * mm, content.attestation)
    canvas.drawString(20 * mm, 54 * mm, format_date(issued_on))
    canvas.setFont(font, 14)
    canvas.drawString(100 * mm, 42 * mm, f"{city}長")
    _seal(canvas, 150 * mm, 34 * mm, 24 * mm, city)

    qr = segno.make(verification_code(serial), error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=4, border=2)
    image.seek(0)
    canvas.drawImage(ImageReader(image), 20 * mm, 14 * mm, 26 * mm, 26 * mm)
    canvas.setFont(GOTHIC, 7)
    canvas.drawString(
        50 * mm, 30 * mm, "この証明書は電子署名されています。QRコードまたはファイルで真正性を確認できます。"
    )
    canvas.drawString(50 * mm, 25 * mm, f"確認コード {verification_code(serial)}")
    canvas.drawString(50 * mm, 20 * mm, "地紋の「複写」の文字が浮かび出たものは複写です。")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@cache
def _signer() -> signers.SimpleSigner:
    keys = issuing_keys()
    pem_key = keys.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert = asn1_x509.Certificate.load(keys.certificate.public_bytes(serialization.Encoding.DER))
    return signers.SimpleSigner(
        signing_cert=cert,
        signing_key=load_private_key_from_pemder_data(pem_key, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([cert]),
    )


def sign(pdf: bytes) -> bytes:
    """The PDF with a PAdES B-B signature of the city's issuing key over the whole file."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="CitySeal",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="証明書の発行",
        location=str(settings.CITY_NAME_JA),
    )
    output = signers.sign_pdf(writer, metadata, signer=_signer())
    return bytes(output.getvalue())


def render_request_form(
    *,
    kind_label: str,
    options: list[str],
    subject_name: str,
    subject_address: str,
    subject_birth: date,
    relation: str,
    requester: str,
    fee: int,
    today: date,
) -> bytes:
    """The pre-filled 証明書交付申請書: everything the counter knows is printed; the resident signs only."""
    font = _font()
    fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    height = A4[1]
    canvas.setTitle("証明書交付申請書")
    _text(canvas, 20 * mm, height - 25 * mm, "証明書交付申請書", GOTHIC, 18)
    _text(
        canvas, 20 * mm, height - 33 * mm, f"{settings.CITY_NAME_JA}長 あて　　{format_date(today)}", font, 11
    )
    rows = [
        ("請求する証明書", kind_label),
        ("記載事項", "、".join(options) or "—"),
        ("通数", "1通"),
        ("必要な方（対象者）", subject_name),
        ("対象者の住所", subject_address),
        ("対象者の生年月日", format_date(subject_birth)),
        ("請求する方", requester),
        ("対象者との関係", relation),
        ("手数料", f"{fee:,}円"),
    ]
    y = height - 50 * mm
    for label, value in rows:
        canvas.setLineWidth(0.5)
        canvas.rect(20 * mm, y - 3 * mm, 170 * mm, 10 * mm)
        _text(canvas, 23 * mm, y, label, GOTHIC, 9)
        _text(canvas, 70 * mm, y, value, font, 11)
        y -= 10 * mm
    y -= 8 * mm
    _text(canvas, 20 * mm, y, "上記のとおり請求します。記載の内容は窓口で確認しました。", font, 11)
    y -= 20 * mm
    canvas.setLineWidth(1)
    canvas.rect(20 * mm, y - 6 * mm, 170 * mm, 18 * mm)
    _text(canvas, 23 * mm, y + 7 * mm, "請求する方の署名（ここだけ記入してください）", GOTHIC, 9)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
