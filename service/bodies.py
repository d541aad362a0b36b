"""Request bodies of unknown length (``Transfer-Encoding: chunked``) held to the limit.

A body sent with ``Content-Length`` over ``max_content_length`` is refused by
Werkzeug before it is read. A chunked body has no length: Werkzeug reads it up
to the limit and then stops, silently, so an oversized body arrived truncated
(400 for broken JSON, or even 200 when the cut happened to leave valid JSON).
Here the stream looks one byte past the limit and answers 413 when there is one.

A multipart body cut short by that 413 leaves the file part the parser was
writing outside ``request.files``; the request closes it too.
"""

from __future__ import annotations

from typing import IO, Any, cast

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_input_stream


class _StreamedBody(LimitedStream):
    """A body of unknown length read up to ``limit``; more than that is a 413."""

    def __init__(self, source: IO[bytes], limit: int) -> None:
        super().__init__(source, limit, is_max=True)
        self._source = source

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted and self._source.read(1):
            raise RequestEntityTooLarge()
        return data


class BoundedRequest(Request):
    """Flask's request, with chunked bodies held to ``max_content_length``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._file_streams: list[IO[bytes]] = []

    @cached_property
    def stream(self) -> IO[bytes]:
        """The body stream; a streamed body past the size limit raises 413."""
        limit = self.max_content_length
        streamed = "wsgi.input_terminated" in self.environ
        if streamed and self.content_length is None and limit is not None:
            return cast(IO[bytes], _StreamedBody(self.environ["wsgi.input"], limit))
        return get_input_stream(self.environ, max_content_length=limit)

    def _get_file_stream(self, *args: Any, **kwargs: Any) -> IO[bytes]:
        stream = super()._get_file_stream(*args, **kwargs)
        self._file_streams.append(stream)
        return stream

    def close(self) -> None:
        """Close the uploaded files, those of a body cut short by a 413 too."""
        super().close()
        for stream in self._file_streams:
            stream.close()
