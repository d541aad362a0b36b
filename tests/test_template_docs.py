"""docs/templates.md is the contract funders write against: it must be exact."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from schemas.registry import KINDS
from service.rendering.contract import contract_for
from service.rendering.environment import ENVIRONMENT
from service.rendering.filters import PROJECT_FILTERS
from tests.conftest import PROJECT_ROOT

PAGE = (PROJECT_ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
#: Derived lists whose items are documented once, as the items they repeat.
SAME_AS_DOCUMENTED = ("dependent_parties[]", "impact_goals[]", "relationship_goals[]")
DATE_PARTS = re.compile(r"\.(year|month|day|hour|minute|second)$")


def _documented_paths(kind: str) -> set[str]:
    tables = PAGE.split("<!-- variables:end -->", 1)[0]
    section = tables.split(f"### `{kind}`", 1)[1].split("###", 1)[0]
    schema_paths = set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.M))
    derived_section = PAGE.split("## Derived values", 1)[1].split("\n## ", 1)[0]
    derived = set()
    for path, kinds in re.findall(
        r"^\| `([^`]+)` \| ([a-z_, ]+) \|", derived_section, flags=re.M
    ):
        if kind in kinds.split(", ") or kinds == "all":
            derived.add(path)
    return schema_paths | derived


def test_generated_variable_tables_are_current() -> None:
    completed = subprocess.run(
        [sys.executable, "scripts/template_variables.py", "--check"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout


@pytest.mark.parametrize("kind", KINDS)
def test_every_variable_a_template_can_use_is_documented(kind: str) -> None:
    contract = {
        path.removesuffix(".*").removesuffix("[]")
        for path in contract_for(kind).paths()
        if not DATE_PARTS.search(path) and not path.startswith(SAME_AS_DOCUMENTED)
    }
    documented = _documented_paths(kind)
    assert contract - documented == set()
    assert documented - contract == set()


def test_every_filter_is_documented() -> None:
    for name in PROJECT_FILTERS:
        assert f"| `{name}` |" in PAGE, name


def test_every_allowed_builtin_filter_is_listed() -> None:
    builtin = set(ENVIRONMENT.filters) - set(PROJECT_FILTERS)
    listed = set(re.findall(r"`([a-z]+)`", PAGE.split("Jinja's own filters", 1)[1]))
    assert builtin <= listed
