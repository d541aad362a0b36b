"""What a check reports to: the coordinator, as a protocol the checks can import.

``inspector._Inspection`` implements it; the checks in :mod:`.variables` and
:mod:`.structure` see only this, so they need not import the coordinator.
"""

from __future__ import annotations

from typing import Protocol

from service.rendering.contract import Contract, Path
from service.rendering.errors import TemplateProblem
from service.rendering.inspection.sources import Source


class Findings(Protocol):
    """Records the problems and the variable paths the checks find."""

    contract: Contract

    def problem(
        self,
        source: Source,
        lineno: int | None,
        message: str,
        *,
        needle: str | None = None,
        fatal: bool = True,
        paragraph: int | None = None,
    ) -> TemplateProblem:
        """Record a problem at a line (or paragraph) of ``source``."""
        ...

    def use(self, path: Path, source: Source, lineno: int | None) -> None:
        """Record that the template reads ``path``."""
        ...
