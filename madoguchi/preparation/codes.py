"""The QR code text of a preparation: sealed and signed (carry), or a short reference.

carry:     MDG1C <i><n-1> <set> <base45 data>   one part per QR symbol, i and n-1 in hex (n ≤ 16), set: two
           characters naming the sequence; every part has the same length, so the parts are also a QR
           Structured Append sequence (a reader that joins them types the parts one after another).
reference: MDG1R <municipality code> <token>     the token looks up a sealed draft on the counter side.

Everything is in QR's alphanumeric set (0-9 A-Z space $%*+-./:), which base45 (RFC 9285) fills densely, and
which a USB scanner that types can type on any keyboard layout.

The carried bytes (the envelope):
  version (1) | opening key id (4) | padding length (1) | ephemeral X25519 key (32) | nonce (12) |
  AES-256-GCM( signature (64) | issued (4) | expires (4) | zlib(record JSON) ) | zero padding
The first six bytes are the AEAD's associated data; the AES key comes from X25519 between the ephemeral key
and the counter's opening key, through HKDF-SHA256. The Ed25519 signature covers the key id, the times and
the compressed record. So only the counter can read a code, only the city's issuing side can make one, and
any change to any byte is found.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import struct
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import base45
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.preparation import keys
from madoguchi.preparation.record import InvalidPreparation, city_code, validate

PREFIX = "MDG1"
CARRY = PREFIX + "C"
REFERENCE = PREFIX + "R"
VERSION = 1
HEADER = struct.Struct(">B4sB")
TIMES = struct.Struct(">II")
EPHEMERAL = 32
NONCE = 12
SIGNATURE = 64
TAG = 16
PART_HEADER = len(CARRY) + 4
MAX_PART_DATA = 1341  # characters of data per symbol: with its header, QR version 24-25 at level M
MAX_PARTS = 16  # the most a Structured Append sequence has
LARGEST_PART_DATA = MAX_PART_DATA
MAX_RECORD_BYTES = 64 * 1024  # uncompressed; a 10-person household with every field is far below
REFERENCE_TOKEN = 20
_TOKEN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # noqa: S105  # Crockford base32: no I, L, O, U
_PART = re.compile(r"MDG1C([0-9A-F])([0-9A-F])([0-9A-Z]{2})")
_REFERENCE = re.compile(rf"MDG1R([0-9]{{6}})([{_TOKEN_ALPHABET}]{{{REFERENCE_TOKEN}}})")
# zlib's preset dictionary: the words every record repeats. Part of format version 1: never change it.
_DICTIONARY = (
    b'"relationship":"child""relationship":"spouse""relationship":"head""sex":"female""sex":"male"'
    b'"birth_date":"19"birth_date":"20"nationality":"JP""health_insurance":"national"'
    b'"health_insurance":"employee_dependent""health_insurance":"employee""school":"elementary"'
    b'"school":"nursery_wanted""school":"junior_high""has_my_number_card":true"has_my_number_card":false'
    b'"has_driving_licence":false"has_seal_registration":false"care_certified":false'
    b'"disability_certificate":false"pregnant":false"receives_public_pension":false"owns_real_estate":false'
    b'"child_allowance_recipient":false"family_name_kana":"given_name_kana":"family_name":"given_name":'
    b'"name_roman":"previous_school":"postal_code":"prefecture":"city":"town":"block":"building":'
    b'"municipality_code":"country":"previous_address":{"address":{"moved_from":{"kind":"other_municipality"'
    b'"contact":{"phone":"household":{"single_parent":false,"dog":false,"car":false'
    b'"subject_member_ids":["m1","m2","m3"],"notifier_member_id":"m1""members":[{"id":"m1"'
    b'"bank_account":{"bank":"branch":"kind":"ordinary","number":"holder_kana":'
    b'"visit":{"office":"date":"2026-"reservation":"source":"resident""sources":{"/members/'
    b'"mynaportal_hikkoshi""mynaportal_pittari""clerk""event":"tennyu""event_date":"2026-'
    b'"language":"en""language":"ja""prepared_at":"2026-"schema":"preparation/v1","id":"'
    b'"municipality_code":"12'
)


class CodeRefused(Exception):
    """A code the counter does not accept; `message` says why, for the clerk, and `reason` is one word."""

    MESSAGES = {
        "unreadable": _("これは事前入力のQRコードではありません。"),
        "truncated": _(
            "QRコードが途中までしか読み取れていません。すべてのQRコードをもう一度読み取ってください。"
        ),
        "foreign": _("このQRコードはこの市のものではないか、古い鍵で作られたものです。"),
        "altered": _("QRコードの内容が変えられています。この内容は使えません。"),
        "forged": _("このQRコードは市の事前入力ページで作られたものではありません。"),
        "expired": _("このQRコードは有効期限が切れています。もう一度事前入力をしてください。"),
        "unknown": _("このQRコードの事前入力は見つかりません（取り消されたか、期限切れです）。"),
        "invalid": _("QRコードの事前入力の内容に誤りがあります。"),
    }

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


@dataclass(frozen=True)
class Opened:
    """What a code held: the record, when it was issued and until when it is good."""

    record: dict[str, Any]
    issued: datetime
    expires: datetime
    token: str = ""  # a reference code's token; empty for a carried record


def _compress(record: Mapping[str, Any]) -> bytes:
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode()
    if len(text) > MAX_RECORD_BYTES:
        raise ValueError(f"a preparation is at most {MAX_RECORD_BYTES} bytes of JSON")
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY)
    return packer.compress(text) + packer.flush()


def _decompress(data: bytes) -> bytes:
    unpacker = zlib.decompressobj(-15, _DICTIONARY)
    try:
        text = unpacker.decompress(data, MAX_RECORD_BYTES + 1)
    except zlib.error as error:
        raise CodeRefused("invalid", "the record does not decompress") from error
    if len(text) > MAX_RECORD_BYTES or unpacker.unconsumed_tail:
        raise CodeRefused("invalid", "the record is too large")
    return text


def _aes_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"madoguchi preparation v1" + ephemeral + recipient,
    ).derive(shared)


def _layout(body_length: int) -> tuple[int, int]:
    """How many parts and how many data characters each, for an envelope of `body_length` bytes unpadded."""
    chars = (body_length // 2) * 3 + (2 if body_length % 2 else 0)
    parts = min(MAX_PARTS, max(1, -(-chars // MAX_PART_DATA)))
    per_part = -(-chars // parts)
    if per_part > LARGEST_PART_DATA:
        raise ValueError("the preparation is too large for one sequence of QR codes")
    while (per_part * parts) % 3:  # whole base45 triplets: the data is even bytes and splits evenly
        per_part += 1
    return parts, per_part


def seal(record: Mapping[str, Any], *, now: datetime | None = None, days: int | None = None) -> bytes:
    """The envelope for `record`: encrypted to the counter, signed by this (issuing) side."""
    issuer = keys.issuer_keys()
    issued = now or timezone.now()
    expires = issued + timedelta(days=settings.MADOGUCHI_PREPARATION_DAYS if days is None else days)
    body = TIMES.pack(int(issued.timestamp()), int(expires.timestamp())) + _compress(record)
    signature = issuer.signing.sign(issuer.key_id + body)
    plaintext = signature + body
    unpadded = HEADER.size + EPHEMERAL + NONCE + len(plaintext) + TAG
    parts, per_part = _layout(unpadded)
    padding = parts * per_part * 2 // 3 - unpadded
    header = HEADER.pack(VERSION, issuer.key_id, padding)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(keys.RAW, keys.PUBLIC_RAW)
    recipient = issuer.sealing.public_bytes(keys.RAW, keys.PUBLIC_RAW)
    aes = AESGCM(_aes_key(ephemeral.exchange(issuer.sealing), ephemeral_public, recipient))
    nonce = secrets.token_bytes(NONCE)
    return header + ephemeral_public + nonce + aes.encrypt(nonce, plaintext, header) + bytes(padding)


def open_envelope(envelope: bytes, *, now: datetime | None = None) -> Opened:
    """The record inside an envelope, checked: raises CodeRefused saying what is wrong with it."""
    if len(envelope) < HEADER.size + EPHEMERAL + NONCE + TAG + SIGNATURE + TIMES.size:
        raise CodeRefused("truncated", "the envelope is too short")
    version, key_id, padding = HEADER.unpack_from(envelope)
    if version != VERSION:
        raise CodeRefused("unreadable", f"format version {version}")
    counter = keys.counter_keys()
    opening = counter.opening.get(key_id)
    if opening is None:
        raise CodeRefused("foreign", "no opening key has this id")
    if padding and (len(envelope) < padding or any(envelope[-padding:])):
        raise CodeRefused("altered", "the padding is not zeros")
    body = envelope[: len(envelope) - padding]
    header = body[: HEADER.size]
    ephemeral_public = body[HEADER.size : HEADER.size + EPHEMERAL]
    nonce = body[HEADER.size + EPHEMERAL : HEADER.size + EPHEMERAL + NONCE]
    recipient = opening.public_key().public_bytes(keys.RAW, keys.PUBLIC_RAW)
    try:
        shared = opening.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        aes = AESGCM(_aes_key(shared, ephemeral_public, recipient))
        plaintext = aes.decrypt(nonce, body[HEADER.size + EPHEMERAL + NONCE :], header)
    except (InvalidTag, ValueError) as error:
        raise CodeRefused("altered", "the envelope does not decrypt") from error
    signature, signed = plaintext[:SIGNATURE], plaintext[SIGNATURE:]
    for issuer in counter.issuers:
        try:
            issuer.verify(signature, key_id + signed)
            break
        except InvalidSignature:
            continue
    else:
        raise CodeRefused("forged", "no issuer key verifies the signature")
    issued_at, expires_at = TIMES.unpack_from(signed)
    issued = datetime.fromtimestamp(issued_at, tz=UTC)
    expires = datetime.fromtimestamp(expires_at, tz=UTC)
    if (now or timezone.now()) >= expires:
        raise CodeRefused("expired", f"expired at {expires.isoformat()}")
    try:
        record = json.loads(_decompress(signed[TIMES.size :]))
        if not isinstance(record, dict) or record.get("municipality_code") != city_code():
            raise CodeRefused("foreign", "the record is for another municipality")
        validate(record)
    except (ValueError, InvalidPreparation) as error:
        raise CodeRefused("invalid", str(error)[:200]) from error
    return Opened(record=record, issued=issued, expires=expires)


def carry_texts(envelope: bytes) -> list[str]:
    """The envelope as the text of each QR symbol, in order."""
    data = base45.b45encode(envelope).decode("ascii")
    parts, per_part = _layout(len(envelope))
    if parts * per_part != len(data):  # seal() padded for exactly this layout
        raise ValueError("the envelope was not sealed for QR codes")
    sequence = secrets.choice(_TOKEN_ALPHABET) + secrets.choice(_TOKEN_ALPHABET)
    return [
        f"{CARRY}{index:X}{parts - 1:X}{sequence}{data[index * per_part : (index + 1) * per_part]}"
        for index in range(parts)
    ]


def new_reference_token() -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(REFERENCE_TOKEN))


def reference_text(token: str) -> str:
    return f"{REFERENCE}{city_code()}{token}"


@dataclass(frozen=True)
class Scanned:
    """What was read: a whole carried envelope, or a reference token, or a sequence still missing parts."""

    envelope: bytes = b""
    token: str = ""
    have: int = 0
    total: int = 0

    @property
    def complete(self) -> bool:
        return bool(self.envelope or self.token)


def _normalise(text: str) -> str:
    """What a scanner typed, as the code holds it: scanners add line ends, a keyboard layout may lower the
    case (the alphanumeric set has one case), and a pasted code may carry spaces at its ends."""
    return "".join(text.split("\n")).replace("\r", "").replace("\t", "").strip().upper()


def _split_joined(text: str) -> list[str]:
    """One part, or a whole sequence joined by the reader: every part has the same length, so a joined text
    is n equal pieces, each starting with its own header."""
    first = _PART.match(text)
    total = int(first.group(2), 16) + 1 if first else 1
    if first is None or total == 1 or len(text) % total:
        return [text]
    size = len(text) // total
    pieces = [text[i * size : (i + 1) * size] for i in range(total)]
    for index, piece in enumerate(pieces):
        match = _PART.match(piece)
        if match is None or int(match.group(1), 16) != index or match.group(3) != first.group(3):
            return [text]
    return pieces


def scan(texts: Iterable[str]) -> Scanned:
    """Put together what was read from one or more symbols, in any order, each read any number of times.

    A text may be one part, several parts one after another (a reader that joins a Structured Append
    sequence), or a reference code. Raises CodeRefused for text that is not a preparation code, for parts of
    two different sequences, and for parts that cannot be right.
    """
    parts: dict[int, str] = {}
    total = 0
    sequence = ""
    token = ""
    for raw in texts:
        text = _normalise(raw)
        if not text:
            continue
        reference = _REFERENCE.fullmatch(text)
        if reference:
            if reference.group(1) != city_code():
                raise CodeRefused("foreign", f"a reference for municipality {reference.group(1)}")
            token = reference.group(2)
            continue
        if not text.startswith(CARRY):
            if text.startswith(REFERENCE):
                raise CodeRefused("truncated", "a reference code of the wrong length")
            raise CodeRefused("unreadable", "the text does not start with MDG1")
        for chunk in _split_joined(text):
            match = _PART.match(chunk)
            if match is None:
                raise CodeRefused("unreadable", "a part header is missing")
            index, last, this_sequence = int(match.group(1), 16), int(match.group(2), 16), match.group(3)
            if index > last:
                raise CodeRefused("unreadable", "a part beyond the sequence")
            if total and (last + 1 != total or this_sequence != sequence):
                raise CodeRefused("unreadable", "parts of two different codes")
            total, sequence = last + 1, this_sequence
            data = chunk[match.end() :]
            if index in parts and parts[index] != data:
                raise CodeRefused("altered", f"part {index + 1} was read twice with different content")
            parts[index] = data
    if token:
        if parts:
            raise CodeRefused("unreadable", "a reference code and a carried code together")
        return Scanned(token=token)
    if not parts:
        raise CodeRefused("unreadable", "nothing was read")
    if len(parts) < total:
        return Scanned(have=len(parts), total=total)
    lengths = {len(data) for data in parts.values()}
    if len(lengths) != 1:
        raise CodeRefused("truncated", "the parts are of different lengths")
    data = "".join(parts[i] for i in range(total))
    if len(data) % 3:  # every code is whole base45 triplets: a cut one is not
        raise CodeRefused("truncated", "the data is not whole")
    try:
        envelope = base45.b45decode(data)
    except ValueError as error:
        raise CodeRefused("altered", "the data holds a value base45 never writes") from error
    if len(envelope) < HEADER.size or _layout(len(envelope) - HEADER.unpack_from(envelope)[2]) != (
        total,
        lengths.pop(),
    ):
        raise CodeRefused("truncated", "the data is not the length its header says")
    return Scanned(envelope=envelope, have=total, total=total)


def fingerprint(envelope: bytes) -> str:
    """A stable name for one issued code (the same code scanned twice opens the same case)."""
    return hashlib.sha256(envelope).hexdigest()
