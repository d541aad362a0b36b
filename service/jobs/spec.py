"""What a batch asks for: its items, format and template, checked before any work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from schemas.problems import Problem
from service.jobs.merge import merge_patch

FORMATS = ("docx", "pdf", "pdfa")


class BatchInvalid(Exception):
    """The batch itself (not one of its documents) is malformed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("The batch is not valid.")
        self.problems = problems


@dataclass(frozen=True)
class BatchSpec:
    """A batch to render: every item's body, the format, the template, the owner."""

    kind: str
    payloads: list[Any]
    format: str = "docx"
    template_id: str | None = None
    template_version: int | None = None
    #: The organisation of the API key that made the batch, or None.
    organisation_id: int | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """A JSON-serialisable form, for queues that store the spec."""
        return {
            "kind": self.kind,
            "payloads": self.payloads,
            "format": self.format,
            "template_id": self.template_id,
            "template_version": self.template_version,
            "organisation_id": self.organisation_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BatchSpec:
        """The spec :meth:`as_json` wrote."""
        return cls(**data)


def batch_payloads(body: Any, *, max_items: int) -> tuple[list[Any], str]:
    """The items' bodies and the format of a batch request body.

    ``{"documents": [body, ...]}`` or ``{"base": body, "items": [patch, ...]}``
    (each patch an RFC 7396 merge patch over the base), with an optional
    ``"format"``. Raises :class:`BatchInvalid` naming the field.
    """
    if not isinstance(body, Mapping):
        raise BatchInvalid([Problem("", "The batch must be a JSON object.")])
    problems: list[Problem] = []
    unknown = sorted(set(body) - {"documents", "base", "items", "format"})
    problems.extend(Problem(key, "Unknown field.") for key in unknown)
    chosen = body.get("format", "docx")
    if chosen not in FORMATS:
        problems.append(Problem("format", f"Must be one of: {', '.join(FORMATS)}."))
    payloads: list[Any] = []
    if "documents" in body:
        if "base" in body or "items" in body:
            problems.append(
                Problem("documents", "Give either documents, or base and items.")
            )
        elif not isinstance(body["documents"], list):
            problems.append(Problem("documents", "Must be a list of documents."))
        else:
            payloads = list(body["documents"])
            where = "documents"
    elif "items" in body:
        if not isinstance(body["items"], list):
            problems.append(Problem("items", "Must be a list of merge patches."))
        elif "base" in body and not isinstance(body["base"], Mapping):
            problems.append(Problem("base", "Must be a JSON object."))
        else:
            base = body.get("base", {})
            payloads = [merge_patch(base, patch) for patch in body["items"]]
            where = "items"
    else:
        problems.append(Problem("documents", "Give documents, or base and items."))
    if not problems:
        if not payloads:
            problems.append(Problem(where, "Give at least one item."))
        elif len(payloads) > max_items:
            problems.append(Problem(where, f"At most {max_items} items per batch."))
    if problems:
        raise BatchInvalid(problems)
    return payloads, str(chosen)
