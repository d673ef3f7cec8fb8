"""Every user-facing string is in the message catalogues, and every catalogue is complete.

The strings are extracted afresh from the tracked templates and Python files (babel.cfg says
where); each language must translate every one of them, keep the same placeholders, and compile.
Run `make messages` to refresh the catalogues after changing strings.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.conftest import REPO_ROOT

TRANSLATIONS = REPO_ROOT / "pb" / "translations"
LANGUAGES = ("pl", "ur")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
PYBABEL = Path(sys.executable).with_name("pybabel")


def _tracked_sources() -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "pb", "templates"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file
        listed = [str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "pb").rglob("*.py")]
        listed += [str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "templates").rglob("*")]
    return [
        name
        for name in listed
        if (name.startswith("pb/") and name.endswith(".py"))
        or (name.startswith("templates/") and name.endswith(".html"))
    ]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [
            str(PYBABEL),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            *_tracked_sources(),
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def _catalogue(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def test_strings_are_extracted(extracted: Catalog) -> None:
    ids = {message.id for message in extracted if message.id}
    assert len(ids) > 400  # the extraction really read the templates and the Python code
    assert "Review my choices" in ids and "Your vote is recorded" in ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated(extracted: Catalog, lang: str) -> None:
    catalogue = _catalogue(lang)
    missing = []
    for message in extracted:
        if not message.id:
            continue
        found = catalogue.get(message.id)
        strings = found.string if found else None
        forms = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(forms):
            missing.append(message.id)
    assert missing == [], (
        f"{lang}: {len(missing)} untranslated; run `make messages`: {missing[:10]}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    catalogue = _catalogue(lang)
    wrong = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set().union(*(set(PLACEHOLDER.findall(text)) for text in ids))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            # A singular form may leave out the number ("one project"); nothing else may go.
            if not set(PLACEHOLDER.findall(text)) <= expected or not (
                expected - {"num"} <= set(PLACEHOLDER.findall(text))
            ):
                wrong.append((message.id, text))
    assert wrong == []
    problems = [(m.id, errors) for m, errors in catalogue.check() if errors]
    assert problems == []


def test_no_formatted_string_inside_gettext() -> None:
    """`_(f"...")` would look up a string that is never in the catalogue."""
    pattern = re.compile(r"\b(?:_|_l|gettext|lazy_gettext|ngettext)\(\s*f[\"']")
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "pb").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_pages_speak_each_language(bare_app) -> None:  # type: ignore[no-untyped-def]
    client = bare_app.test_client()
    for lang, words in {"pl": "Budżety dzielnic", "ur": "وارڈ بجٹ"}.items():
        page = client.get("/login", headers={"Accept-Language": lang}).get_data(as_text=True)
        assert words in page
        assert f'lang="{lang}"' in page
    assert 'dir="rtl"' in client.get("/login", headers={"Accept-Language": "ur"}).get_data(
        as_text=True
    )
