"""The upload check: what an uploaded template uses, and why it cannot be used.

A funder's template is written by someone who knows Word, not Jinja. Before it
is stored, :func:`inspect_template` reads the parts docxtpl renders (the body,
headers, footers, footnotes and the core document properties), turns each into
Jinja exactly as docxtpl does (its own ``patch_xml``), parses it in the
service's sandboxed environment and walks the syntax tree. It refuses, with
every problem found, each located by part, paragraph (and table cell), tag and
surrounding text:

- Jinja syntax errors; an unclosed block is reported where it opens;
- tags Word's formatting split in a way ``patch_xml`` cannot repair, and tags
  that start in one paragraph and end in another;
- unknown filters and tests, calls of functions templates do not have,
  ``{% include %}`` and friends, and ``{% autoescape %}`` (escaping is what
  keeps "Teater Vest & Co." from breaking the document);
- any reach into Python internals (``__class__``, ``mro``, names starting
  with "_"), which the sandbox would stop at render time anyway;
- ``{%p``/``{%tr``/``{%tc``/``{%r`` blocks that do not pair up with the
  document's structure: a skeleton of the template (its literal XML and its
  ``for``/``if`` blocks, every expression removed, so it cannot run away) is
  rendered with every loop running twice and every condition true, then with
  every loop empty and every condition false; the output must be well-formed
  XML, else the block nearest the break is named.

It reports every variable path the template uses (``parties[].name``), with
loop variables and ``{% set %}`` aliases resolved to their source, the paths the
kind's data contract (:mod:`service.rendering.contract`) does not provide, and
the ``extra.`` paths. Unknown paths are findings, not errors: they render empty.
"""

from __future__ import annotations

from service.rendering.inspection.inspector import (
    REFUSED,
    TemplateReport,
    inspect_template,
)
from service.rendering.inspection.variables import (
    INTERNAL_NAMES,
    MAX_CONSTANT_CHARS,
    MAX_CONSTANT_DIGITS,
)

__all__ = [
    "INTERNAL_NAMES",
    "MAX_CONSTANT_CHARS",
    "MAX_CONSTANT_DIGITS",
    "REFUSED",
    "TemplateReport",
    "inspect_template",
]
