"""Locust users for bench/soak.py: the service's mixed load, every answer checked.

Started by the soak script (``locust --headless``), which passes the API key
in ``SOAK_KEY``. Each user renders the built-in templates in both languages,
validates documents with errors, uploads funders' templates, renders with
them, lists them and deletes them while other users may be rendering with
them. An answer the load explains (404 for a template another user is
deleting) is a success; anything else unexpected is a failure.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "agreement_templates" / "examples"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = ("agreement", "understanding", "first_contact")
LANGUAGES = ("da", "en")
BODIES = {
    (kind, language): (EXAMPLES / f"{kind}.{language}.json").read_bytes()
    for kind in KINDS
    for language in LANGUAGES
}
#: A built-in agreement template serves as a funder's upload.
TEMPLATES = {
    language: (ROOT / "agreement_templates" / f"agreement.{language}.docx").read_bytes()
    for language in LANGUAGES
}
AUTH = {"Authorization": f"Bearer {os.environ['SOAK_KEY']}"}
#: Funders' templates uploaded and not (yet) being deleted, shared by all users
#: of this locust process (one organisation, one key).
LIVE: list[str] = []
#: Templates some user has started deleting: a 404 for them is expected.
DELETING: set[str] = set()


def _invalid(kind: str, language: str) -> tuple[bytes, set[str]]:
    """An example with mistakes (an unknown field, no title), and their paths."""
    body = json.loads(BODIES[kind, language])
    body["no_such_field"] = 1
    expected = {"no_such_field"}
    if body.pop("title", None) is not None:  # the letter has no title
        expected.add("title")
    return json.dumps(body).encode(), expected


class SoakUser(FastHttpUser):
    """One client of the service, pausing briefly between requests."""

    wait_time = between(0.05, 0.3)

    def _render(
        self, path: str, name: str, body: bytes, headers: dict[str, str]
    ) -> None:
        with self.client.post(
            path,
            data=body,
            headers={"Content-Type": "application/json", **headers},
            catch_response=True,
            name=name,
        ) as response:
            content_type = response.headers.get("Content-Type", "")
            if response.status_code == 200 and content_type.startswith(DOCX):
                response.success()
            elif response.status_code == 404 and self._deleting(path):
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @staticmethod
    def _deleting(path: str) -> bool:
        return path.rpartition("template=")[2] in DELETING

    @task(6)
    def render_builtin(self) -> None:
        """A built-in template, any kind, either language."""
        kind, language = random.choice(list(BODIES))
        self._render(
            f"/v1/documents/{kind}", f"/v1/documents/{kind}", BODIES[kind, language], {}
        )

    @task(3)
    def validate_with_errors(self) -> None:
        """A document with mistakes: 422 naming each, nothing else."""
        kind, language = random.choice(list(BODIES))
        body, expected = _invalid(kind, language)
        with self.client.post(
            f"/v1/validate/{kind}",
            data=body,
            headers={"Content-Type": "application/json"},
            catch_response=True,
            name="/v1/validate/<kind> (invalid)",
        ) as response:
            paths = {
                problem.get("path")
                for problem in (
                    response.json() if response.status_code == 422 else {}
                ).get("errors", [])
            }
            if response.status_code == 422 and expected <= paths:
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def upload(self) -> None:
        """A funder's template: a new one, or a new version of one of a few names."""
        language = random.choice(LANGUAGES)
        with self.client.post(
            "/v1/templates",
            data={
                "name": f"Soak {random.randrange(4)}",
                "kind": "agreement",
                "language": language,
            },
            files={"file": ("agreement.docx", TEMPLATES[language], DOCX)},
            headers=AUTH,
            catch_response=True,
            name="/v1/templates (upload)",
        ) as response:
            if response.status_code == 201:
                template_id = response.json()["id"]
                if template_id not in LIVE and template_id not in DELETING:
                    LIVE.append(template_id)
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(3)
    def render_with_funders_template(self) -> None:
        """A render with an uploaded template (perhaps being deleted meanwhile)."""
        if not LIVE:
            return
        template_id = random.choice(LIVE)
        language = random.choice(LANGUAGES)
        self._render(
            f"/v1/documents/agreement?template={template_id}",
            "/v1/documents/agreement?template=<id>",
            BODIES["agreement", language],
            AUTH,
        )

    @task(1)
    def list_templates(self) -> None:
        """The funder's templates."""
        with self.client.get(
            "/v1/templates", headers=AUTH, catch_response=True, name="/v1/templates"
        ) as response:
            if response.status_code == 200 and isinstance(response.json(), list):
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def delete(self) -> None:
        """Delete a template other users may be rendering with right now."""
        if len(LIVE) < 3:
            return
        template_id = LIVE.pop(random.randrange(len(LIVE)))
        DELETING.add(template_id)
        with self.client.delete(
            f"/v1/templates/{template_id}",
            headers=AUTH,
            catch_response=True,
            name="/v1/templates/<id> (delete)",
        ) as response:
            if response.status_code == 204:
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
