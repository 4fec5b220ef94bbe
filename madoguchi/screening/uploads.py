"""Receiving an inventory file no larger than the limit: the request is refused before it is parsed when it
says it is larger, and the file is dropped as soon as it grows past the limit while it is read."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

# The form's other fields and each part's headers, on top of the file itself.
MULTIPART_ALLOWANCE = 64 * 1024


def declared_length(request: HttpRequest) -> int:
    """The request body's size as its Content-Length header gives it (0 when absent or not a number)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class CappedUploadHandler(FileUploadHandler):
    """Keeps each uploaded file in memory up to `limit` bytes; past it, sets `too_large` and drops it."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self.buffer = io.BytesIO()
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
