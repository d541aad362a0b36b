"""A .docx whose picture is linked from a web address, and a server to count fetches."""

from __future__ import annotations

import base64
import http.server
import io
import re
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from docx import Document
from docx.shared import Inches

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)


@contextmanager
def counting_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server answering a PNG to anything; its URL and the paths asked."""
    requested: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", requested
    finally:
        server.shutdown()
        server.server_close()


def linked_picture_docx(url: str) -> bytes:
    """A .docx showing a picture linked (not embedded) from ``url``image.png,
    and an INCLUDEPICTURE field for ``url``field.png: what a funder's template
    could carry past the upload checks if they missed one."""
    document = Document()
    document.add_paragraph("Before the picture")
    document.add_picture(io.BytesIO(PNG), width=Inches(1))
    document.add_paragraph("After the picture")
    saved = io.BytesIO()
    document.save(saved)
    source = zipfile.ZipFile(io.BytesIO(saved.getvalue()))
    out = io.BytesIO()
    field = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
        f'xml:space="preserve"> INCLUDEPICTURE "{url}field.png" \\d </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r>'
        '<w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/_rels/document.xml.rels":
                data = re.sub(
                    rb'Target="media/[^"]+"',
                    f'Target="{url}image.png" TargetMode="External"'.encode(),
                    data,
                )
            elif info.filename == "word/document.xml":
                data = data.replace(b"r:embed=", b"r:link=")
                data = data.replace(b"<w:sectPr", field.encode() + b"<w:sectPr", 1)
            target.writestr(info, data)
    return out.getvalue()
