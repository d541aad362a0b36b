"""The coordinator: every check run on each part, and the TemplateReport.

Problems are recorded where they are found (part, paragraph, cell, tag,
excerpt); the variables read are measured against the kind's data contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateSyntaxError

from service.rendering.contract import (
    ITEM,
    Contract,
    Path,
    contract_for,
    format_path,
)
from service.rendering.environment import ENVIRONMENT
from service.rendering.errors import TemplateError, TemplateProblem
from service.rendering.inspection.locating import (
    TAG,
    block_structure,
    delimiter_problem,
    moved_by_docxtpl,
    original_tag,
    paragraph_of,
    replaced_scopes,
)
from service.rendering.inspection.locating import (
    excerpt as _excerpt,  # ``excerpt`` names a local in _Inspection.problem
)
from service.rendering.inspection.sources import Source, sources
from service.rendering.inspection.structure import probe_structure
from service.rendering.inspection.variables import Analyser
from service.rendering.package_limits import (
    DEFAULT_LIMITS,
    PackageLimits,
    check_package,
)
from service.rendering.parts import COMPILE_LIMIT_ERRORS, too_complex

_MARKUP = re.compile(r"</?[A-Za-z][\w.-]*:[A-Za-z][\w.-]*[\s/>]")

REFUSED = "The template cannot be used: fix the problems listed and upload it again."


@dataclass(frozen=True)
class TemplateReport:
    """What a template uses, measured against the data contract of its kind."""

    variables: list[str]
    unknown_variables: list[str]
    extra_variables: list[str]
    problems: list[TemplateProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON."""
        return {
            "variables": list(self.variables),
            "unknown_variables": list(self.unknown_variables),
            "extra_variables": list(self.extra_variables),
            "problems": [problem.as_dict() for problem in self.problems],
        }


def inspect_template(
    source: bytes, kind: str, *, limits: PackageLimits = DEFAULT_LIMITS
) -> TemplateReport:
    """Inspect an uploaded template of ``kind``; raise TemplateError if unusable.

    Raises :class:`TemplateLimitExceeded` or :class:`TemplateError` from
    :func:`check_package` (with ``limits``) first, then :class:`TemplateError`
    listing every problem that makes the template unusable, and KeyError for an
    unknown kind.
    """
    contract = contract_for(kind)
    check_package(source, limits)
    return inspect_parts(source, contract)


def inspect_parts(source: bytes, contract: Contract) -> TemplateReport:
    """The checks of :func:`inspect_template` on a package already checked.

    ``source`` must have passed :func:`check_package`; the parts are read,
    every problem found is collected, and TemplateError lists them.
    """
    inspection = _Inspection(contract)
    for part in sources(source):
        inspection.inspect(part)
    if inspection.fatal:
        raise TemplateError(REFUSED, inspection.fatal)
    return inspection.report()


class _Inspection:
    """Everything found in the parts of one template."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.fatal: list[TemplateProblem] = []
        self.notes: list[TemplateProblem] = []
        self.seen: set[TemplateProblem] = set()
        self.uses: dict[Path, tuple[Source, int | None]] = {}

    # -- problems

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
        if (
            paragraph is None
            and lineno is not None
            and 1 <= lineno <= len(source.lines)
        ):
            paragraph = source.lines[lineno - 1]
        info = source.paragraphs.get(paragraph) if paragraph is not None else None
        line_tag = None
        if lineno is not None:
            lines = source.line_texts
            if 1 <= lineno <= len(lines):
                found = TAG.match(lines[lineno - 1])
                line_tag = found.group(0) if found else None
        tag = original_tag(info.text if info else "", line_tag, needle)
        excerpt = _excerpt(info.text, tag) if info and info.text else None
        if source.label:
            message = f"{message} (in the {source.label})"
        elif info is not None and info.where:
            message = f"{message} (in {info.where})"
        problem = TemplateProblem(
            message=message,
            part=source.part,
            paragraph=info.number if info and info.number else None,
            tag=tag,
            excerpt=excerpt,
        )
        if problem not in self.seen:
            self.seen.add(problem)
            (self.fatal if fatal else self.notes).append(problem)
        return problem

    # -- one part

    def inspect(self, source: Source) -> None:
        """Check one part and collect its variables."""
        split = self._check_delimiters(source)
        if source.word_xml:
            self._check_replaced_scopes(source)
        try:
            tree = ENVIRONMENT.parse(source.text)
        except TemplateSyntaxError as exc:
            self._syntax_error(source, exc, split)
            return
        except COMPILE_LIMIT_ERRORS as exc:  # e.g. 300 nested parentheses
            self.problem(source, None, too_complex(exc))
            return
        try:
            Analyser(self, source).visit_template(tree)
            if source.word_xml:
                probe_structure(self, source, tree)
        except COMPILE_LIMIT_ERRORS as exc:  # e.g. 25 nested loops
            self.problem(source, None, too_complex(exc))

    def _check_delimiters(self, source: Source) -> set[int]:
        """Tags split across paragraphs, or by formatting patch_xml leaves."""
        flagged: set[int] = set()
        unclosed = False
        for number in sorted(source.paragraphs):
            text = source.paragraphs[number].text
            found = delimiter_problem(text, after_unclosed=unclosed)
            unclosed = found is not None and found[2]
            if found:
                message, tag, _ = found
                self.problem(source, None, message, needle=tag, paragraph=number)
                flagged.add(number)
        for match in TAG.finditer(source.text):
            if _MARKUP.search(match.group(0)):
                lineno = source.text.count("\n", 0, match.start()) + 1
                paragraph = paragraph_of(source, lineno)
                if paragraph in flagged:
                    continue
                self.problem(
                    source,
                    lineno,
                    "Word's formatting splits this tag in a way that cannot be "
                    "repaired: retype the tag in one go, or select it and clear its "
                    "formatting.",
                )
                if paragraph is not None:
                    flagged.add(paragraph)
        self._check_lost_tags(source, flagged)
        return flagged

    def _check_lost_tags(self, source: Source, flagged: set[int]) -> None:
        """A tag the author sees that Jinja does not: split by text between its
        braces that Word hides (a tracked deletion, a field code)."""
        if not source.word_xml or any(
            "{%-" in info.text or "-%}" in info.text
            for info in source.paragraphs.values()
        ):
            return  # docxtpl's whitespace control moves tags between paragraphs
        seen: dict[int, int] = {}
        for index, line in enumerate(source.line_texts):
            paragraph = source.lines[index]
            if paragraph is not None and source.inside[index] and TAG.match(line):
                seen[paragraph] = seen.get(paragraph, 0) + 1
        replaced = {
            item.number
            for scope in replaced_scopes(source)
            for item in scope.paragraphs
        }
        for number, info in source.paragraphs.items():
            tags = TAG.findall(info.text)
            if number in flagged or number in replaced:
                continue
            if any(moved_by_docxtpl(tag) for tag in tags):
                continue
            if seen.get(number, 0) < len(tags):
                self.problem(
                    source,
                    None,
                    "A tag here is split by text Word does not show (a tracked "
                    "change or a field code between its characters), so it is not "
                    "read as a tag: accept the changes, then retype the tag.",
                    paragraph=number,
                )
                flagged.add(number)

    def _syntax_error(
        self, source: Source, exc: TemplateSyntaxError, split: set[int]
    ) -> None:
        _, block_problems = block_structure(source.text)
        message = str(exc)  # a parse error's str() is its message alone
        structural = "end of template" in message or "unknown tag 'end" in message
        for lineno, text in block_problems:
            self.problem(source, lineno, text)
        if structural and block_problems:
            return
        if paragraph_of(source, exc.lineno) in split and split:
            return
        unknown = re.search(r"unknown tag '(p|tr|tc|r)'", message)
        if unknown:
            message = (
                f"'{{%{unknown.group(1)} …%}}' must stand in its own "
                + {"p": "paragraph", "tr": "table row", "tc": "table cell", "r": "run"}[
                    unknown.group(1)
                ]
                + f" for docxtpl to use it ({message})"
            )
        self.problem(source, exc.lineno, f"Template syntax error: {message}")

    def _check_replaced_scopes(self, source: Source) -> None:
        """docxtpl replaces the whole paragraph, row or cell of a {%p/{%tr/{%tc
        tag by the tag alone: other tags there are lost (an error), other text
        too (a warning)."""
        for scope in replaced_scopes(source):
            tags = [tag for item in scope.paragraphs for tag in TAG.findall(item.text)]
            words = " ".join(TAG.sub(" ", item.text) for item in scope.paragraphs)
            rest = " ".join(words.split())
            if len(tags) > 1:
                others = ", ".join(f"'{tag}'" for tag in tags if tag != scope.tag)
                self.problem(
                    source,
                    None,
                    f"docxtpl replaces the whole {scope.noun} holding '{scope.tag}' "
                    f"by one such tag, so the other tags in it ({others}) are lost: "
                    f"put each '{{%{scope.kind} …%}}' tag in a {scope.noun} of its "
                    "own.",
                    needle=scope.tag,
                    paragraph=scope.number,
                )
            elif rest:
                self.problem(
                    source,
                    None,
                    f"The whole {scope.noun} holding '{scope.tag}' is removed when "
                    f"the document is made, so its other text ('{rest[:40]}') never "
                    "appears.",
                    needle=scope.tag,
                    fatal=False,
                    paragraph=scope.number,
                )

    # -- the report

    def use(self, path: Path, source: Source, lineno: int | None) -> None:
        """Record that the template reads ``path``."""
        if path and path not in self.uses:
            self.uses[path] = (source, lineno)

    def report(self) -> TemplateReport:
        """The variables, measured against the contract, and the findings."""
        paths = set(self.uses)
        prefixes = {path[:end] for path in paths for end in range(1, len(path))}
        leaves = paths - prefixes
        unknown = sorted(
            (path for path in leaves if not self.contract.is_known(path)),
            key=format_path,
        )
        for path in unknown:
            source, lineno = self.uses[path]
            suggestion = self.contract.suggest(path)
            hint = f" Did you mean '{suggestion}'?" if suggestion else ""
            self.problem(
                source,
                lineno,
                f"'{format_path(path)}' is not in the data of {self.contract.kind} "
                f"documents, so it is always empty.{hint}",
                needle=path[-1] if path[-1] != ITEM else None,
                fatal=False,
            )
        return TemplateReport(
            variables=sorted(format_path(path) for path in leaves),
            unknown_variables=[format_path(path) for path in unknown],
            extra_variables=sorted(
                format_path(path)
                for path in leaves
                if path[0] == "extra" and len(path) > 1
            ),
            problems=list(self.notes),
        )
