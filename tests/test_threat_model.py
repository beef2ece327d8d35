"""THREAT_MODEL.md names the tests that cover each threat: every one of them must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "THREAT_MODEL.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
ROW = re.compile(r"^\| ([A-Z]\d+) \|", re.M)


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_test_reference_exists() -> None:
    text = MODEL.read_text(encoding="utf-8")
    references = REFERENCE.findall(text)
    assert len(references) > 40
    missing = []
    for file, name in references:
        path = ROOT / file
        if not path.is_file() or name not in functions_in(path):
            missing.append(f"{file}::{name}")
    assert not missing, f"THREAT_MODEL.md names tests that do not exist: {missing}"


def test_every_threat_has_a_test_or_says_why_not() -> None:
    text = MODEL.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if ROW.match(line)]
    assert len(rows) > 30
    ids = [ROW.match(row).group(1) for row in rows]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids)), "threat ids must be unique"
    for row in rows:
        covered = REFERENCE.search(row) or "to be confirmed by the lead" in row
        assert covered or "operational" in row, f"no test for {row[:60]}"
