"""The offline verifier imports only the standard library, `pb.allocation`, `cryptography` and
the pure part of `pb.audit`: an auditor runs it with no web application installed."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

import pb.audit
from tests.audit.helpers import run_round

AUDIT_DIR = Path(pb.audit.__file__).resolve().parent
REPO = AUDIT_DIR.parent.parent
PURE = (
    "chain",
    "signing",
    "bundle",
    "verdict",
    "pairwise",
    "cast_ballots",
    "ballot_files",
    "recount",
    "separated",
    "amendments",
    "strict",
    "turnout",
    "verify",
    "verify_cli",
)
PURE_MODULES = {"pb", "pb.audit", *(f"pb.audit.{name}" for name in PURE)}
SIGNATURE_LIBRARY = {"cryptography", "_cffi_backend", "_openssl"}
OPTIONAL = {"gmpy2", "numpy"}  # the allocation engine's optional accelerators


def _top_level_modules(code: str) -> tuple[set[str], list[str]]:
    code += (
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('pb'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    top, ours = (json.loads(line) for line in result.stdout.splitlines())
    return set(top), ours


def test_importing_the_verifier_pulls_in_nothing_else() -> None:
    bare, _ = _top_level_modules("import json, sys\n")  # what any interpreter starts with
    code = (
        "import importlib, json, sys\n"
        f"for name in {sorted(PURE_MODULES)!r}:\n"
        "    importlib.import_module(name)\n"
        "import pb.cli\n"
        "pb.cli.build_parser()\n"  # registers every sub-command, export included
    )
    top, ours = _top_level_modules(code)
    third_party = top - bare - set(sys.stdlib_module_names) - {"pb"}
    assert third_party <= SIGNATURE_LIBRARY | OPTIONAL, third_party
    allowed = PURE_MODULES | {"pb.cli", "pb.allocation.cli", "pb.audit.export_cli"}
    assert [m for m in ours if m not in allowed and not m.startswith("pb.allocation")] == []


@pytest.mark.parametrize("name", PURE)
def test_module_imports_only_what_the_verifier_may(name: str) -> None:
    tree = ast.parse((AUDIT_DIR / f"{name}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported = [node.module or ""]
            if node.module == "pb.audit":
                imported = [f"pb.audit.{alias.name}" for alias in node.names]
        else:
            continue
        for module in imported:
            top = module.split(".")[0]
            if top == "pb":
                assert module.startswith("pb.allocation") or module in PURE_MODULES, module
            else:
                assert top in sys.stdlib_module_names or top == "cryptography", module


def test_pb_verify_runs_with_flask_and_sqlalchemy_unimportable(
    app: Flask, tmp_path: Path, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("the bundle is the same whatever the database; once is enough")
    path = tmp_path / "bundle.zip"
    path.write_bytes(run_round([{0: 1}, {1: 1, 2: 1}]).data)
    code = (
        "import sys\n"
        "for name in ('flask', 'sqlalchemy', 'werkzeug', 'jinja2', 'flask_babel', 'alembic'):\n"
        "    sys.modules[name] = None  # any import of them now fails\n"
        "from pb.cli import main\n"
        f"sys.exit(main(['verify', {str(path)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert ": OK" in result.stdout
