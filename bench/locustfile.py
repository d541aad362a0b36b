"""Locust users for bench/bench_render.py: post one JSON document, as fast as possible.

Started by the benchmark (``locust --headless``), which passes the request in
environment variables: ``BENCH_BODY_FILE`` (the JSON to post) and
``BENCH_PATH`` (e.g. ``/v1/documents/agreement``).
"""

from __future__ import annotations

import os

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

with open(os.environ["BENCH_BODY_FILE"], "rb") as handle:
    BODY = handle.read()
PATH = os.environ.get("BENCH_PATH", "/v1/documents/agreement")


class DocumentClient(FastHttpUser):
    """A client that posts the document again as soon as the last answer arrives."""

    wait_time = constant(0)

    @task
    def render(self) -> None:
        """POST the document; anything but a .docx is a failure."""
        with self.client.post(
            PATH,
            data=BODY,
            headers={"Content-Type": "application/json"},
            catch_response=True,
            name=PATH,
        ) as response:
            content_type = response.headers.get("Content-Type", "")
            if response.status_code != 200:
                response.failure(
                    f"status {response.status_code}: {response.text[:200]}"
                )
            elif not content_type.startswith(DOCX) or not response.content:
                response.failure(f"unexpected content type {content_type!r}")
            else:
                response.success()
