"""LibreOffice opens a document whose text holds every kind of character the text
rule keeps (skipped without soffice)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service.examples import example_payload
from tests.test_engine_libreoffice import convert_to_pdf, pdf_text

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice not on PATH"),
]

#: Pasted from Word (vertical tab), typed on Windows (CR LF), right-to-left with
#: marks, emoji with joiners, a private-use character and CJK Extension B.
KEPT = (
    "Sansefortællingen\vanden linje\r\ntredje\tlinje "
    "\u200fשלום\u200e \U0001f469\u200d\U0001f467 \ue000 \U00020000 \u00a0ende"
)


def test_libreoffice_opens_text_with_every_kind_of_kept_character(
    client: FlaskClient, tmp_path: Path
) -> None:
    body = example_payload("agreement", "da")
    body["title"] = KEPT  # body, header and document properties
    body["vision"] = KEPT
    response = client.post(
        "/v1/documents/agreement",
        data=json.dumps(body, default=str),
        content_type="application/json",
    )
    assert response.status_code == 200
    text = pdf_text(convert_to_pdf(response.data, tmp_path))
    if text is not None:
        for word in ("Sansefortællingen", "anden linje", "tredje", "linje", "ende"):
            assert word in text
