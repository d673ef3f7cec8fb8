"""The pabulib file in a bundle is enough to recount the round with other software: the
pabutools snippet of docs/verification.md's quick start, run as written on an exported round of
each rule it covers, prints the published selection (issue 12, item 16)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from pb.audit import bundle
from tests.audit.helpers import run_round, unpack

DOC = Path(__file__).resolve().parents[2] / "docs" / "verification.md"
# Approval ballots where the rules disagree. Five voters want projects 1 and 2 (40,000 each),
# three want project 3 (20,000); budget 100,000. Greedy funds all three. Plain Equal Shares (a
# share of 12,500 each) funds 3, then 1, and the five cannot afford 2; add1 raises the shares
# until 1 and 2 are both affordable and the total still fits: all three again.
BALLOTS = [{0: 1, 1: 1}] * 5 + [{2: 1}] * 3
COSTS = (40_000, 40_000, 20_000)
EXPECTED = {  # project indexes: what each rule funds here (so the rules really differ)
    "greedy": [0, 1, 2],
    "equalshares": [0, 2],
    "equalshares/add1": [0, 1, 2],
    "equalshares/add1u": [0, 1, 2],
    "equalshares/add1-pabutools": [0, 1, 2],
}


def documented_snippet() -> str:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    [snippet] = [block for block in blocks if "parse_pabulib" in block]
    return snippet


def run_snippet(rule: str, directory: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    snippet = documented_snippet()
    assert 'RULE = "equalshares/add1"' in snippet
    monkeypatch.chdir(directory)  # the snippet opens "ballots.pb", as an auditor would
    namespace: dict[str, Any] = {}
    exec(snippet.replace('RULE = "equalshares/add1"', f"RULE = {rule!r}"), namespace)
    return namespace["selected"]


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_the_documented_pabutools_snippet_prints_the_published_selection(
    app: Flask,
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    rule: str,
) -> None:
    if backend != "sqlite":
        pytest.skip("the file does not depend on the database")
    run = run_round(BALLOTS, costs=COSTS, budget=100_000, rule=rule)
    files = unpack(run.data)
    (tmp_path / "ballots.pb").write_bytes(files[bundle.BALLOTS_PB])
    selected = run_snippet(rule, tmp_path, monkeypatch)
    published = json.loads(files[bundle.RESULTS])["outcome"]["selected"]
    assert selected == sorted(published)
    ids = [str(run.setup.projects[index].id) for index in EXPECTED[rule]]
    assert sorted(published) == sorted(ids)
    assert capsys.readouterr().out.strip() == str(selected)
