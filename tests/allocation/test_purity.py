"""The engine is pure: an auditor can run it without the web application's dependencies."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import pb.allocation

PACKAGE_DIR = Path(pb.allocation.__file__).resolve().parent
FORBIDDEN = ("flask", "sqlalchemy", "werkzeug", "pabutools", "jinja2", "alembic")
OPTIONAL = {"gmpy2", "numpy"}  # speed-ups, always imported inside try/except ImportError


def modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        relative = path.relative_to(PACKAGE_DIR.parent.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def test_importing_every_module_pulls_in_no_web_or_gpl_package() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules()!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('pb.') "
        "and not m.startswith('pb.allocation'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE_DIR.parent.parent,
    )
    forbidden, other_pb = (json.loads(line) for line in result.stdout.splitlines())
    assert forbidden == []
    assert other_pb == []


@pytest.mark.parametrize("path", sorted(PACKAGE_DIR.rglob("*.py")), ids=lambda p: p.name)
def test_module_imports_only_the_standard_library_and_the_engine(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative imports stay inside the package
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if name == "pb" or name.startswith("pb."):
                assert name.startswith("pb.allocation"), f"{path.name} imports {name}"
            elif top in OPTIONAL:
                continue
            else:
                assert top in sys.stdlib_module_names, f"{path.name} imports {name}"


def test_optional_speedups_are_guarded() -> None:
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id == "ImportError" for h in node.handlers
            ):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        guarded.add(id(inner))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                )
                if any((n or "").split(".")[0] in OPTIONAL for n in names):
                    assert id(node) in guarded, f"{path.name}: unguarded optional import"


EDGES = {"cli.py"}  # commands read their environment and pass what they read down


@pytest.mark.parametrize("path", sorted(PACKAGE_DIR.rglob("*.py")), ids=lambda p: p.name)
def test_the_engine_never_reads_the_environment(path: Path) -> None:
    # accelerators and every other option are parameters: a test or a caller states what runs
    if path.name in EDGES:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            raise AssertionError(f"{path.name} reads the environment (line {node.lineno})")
