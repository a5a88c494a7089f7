"""The layers import one way: checked on the source, so a new import up or across fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "critica"
STAGE_PACKAGES = ("sentiment", "facts", "aspects", "quality")
# What each part may import from critica besides itself (lower layers only).
ALLOWED = {
    "errors": set(),
    "cache": set(),
    "schema": set(),
    "text": {"errors", "cache"},
    "io": {"errors", "text"},
    "tiers": {"errors"},
    "encoder": {"errors", "cache"},  # multilingual-e5-small: read by the polarity model and the title tagger
    "stages": {"errors", "schema", "text"},
    "config": {"errors", "stages", "tiers"},
    **{name: {"errors", "cache", "schema", "text", "io", "stages", "encoder"} for name in STAGE_PACKAGES},
}


def critica_imports(path: Path) -> set[str]:
    """The first component after `critica.` of every import in a file, inside functions too."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("critica."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("critica.")}
    return found


def part_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_each_layer_imports_only_the_layers_below_it(part: str) -> None:
    files = [p for p in PACKAGE.rglob("*.py") if part_of(p) == part]
    assert files, part
    for path in files:
        wrong = critica_imports(path) - ALLOWED[part] - {part}
        assert not wrong, f"{path.relative_to(PACKAGE)} imports critica.{sorted(wrong)}"


def test_the_checker_sees_an_import_across_stages(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from critica.sentiment.model import PolarityModel\n", encoding="utf-8")
    assert critica_imports(sample) == {"sentiment"}
