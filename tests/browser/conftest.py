"""Browser tests: Debian's chromium driven by Playwright against a real gunicorn server.

One server per test module, on a SQLite copy of the migrated template seeded through the real
services; one chromium per test process (xdist worker), each test in browser contexts of its own
(cookies and storage are per context, so tests share nothing through the browser). Without
/usr/bin/chromium or axe-core (npm ci) the tests skip and say why; in CI (CI=true) they fail
instead, since CI must run them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories
from tests.conftest import REPO_ROOT, make_app, unavailable
from tests.live import gunicorn

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO_ROOT / "test-artifacts"
# The network is closed here: without these flags chromium keeps trying to reach Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.browser


def require_browser() -> None:
    if not CHROMIUM.exists():
        unavailable("chromium", f"{CHROMIUM} is missing; run: apt-get install chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable(
            "playwright", "the playwright package is not installed (pip install -e .[test])"
        )


def require_axe() -> None:
    if not AXE.exists():
        unavailable("axe-core", f"{AXE} is missing; run: npm ci")


@contextmanager
def axe_page(browser: Any, viewport: dict[str, int], locale: str) -> Iterator[Any]:
    """A page in a fresh browser context with axe-core injected (by the test: pages never load
    it), closed afterwards."""
    require_axe()
    context = browser.new_context(viewport=viewport, locale=locale)
    context.add_init_script(path=str(AXE))
    try:
        yield context.new_page()
    finally:
        context.close()


@dataclass
class Site:
    """The seeded server: its address and the rounds, projects and voters the tests use."""

    base: str
    database_url: str
    rounds: dict[str, int] = field(default_factory=dict)
    projects: dict[str, list[int]] = field(default_factory=dict)
    costs: dict[str, list[int]] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    budgets: dict[str, int] = field(default_factory=dict)
    voters: list[str] = field(default_factory=list)

    def voter(self) -> str:
        """A citizen who has not voted yet in any round (each test takes its own)."""
        return self.voters.pop()


BALLOTS: dict[str, dict[str, Any]] = {
    "approval": {"ballot_params": {"min_projects": 1, "max_projects": 2}},
    "knapsack": {"ballot_params": {"min_share_percent": 0}},
    "ranked": {"ballot_params": {"min_rank": 1, "max_rank": 3}},
    "cumulative": {"ballot_params": {"total_points": 10, "max_per_project": 5}},
    "pairwise": {"ballot_params": {"pairs": 2}, "rule": "pairwise-copeland"},
}
COSTS = (30_000, 50_000, 40_000, 25_000)
TITLES = (
    "Outdoor gym in Riverside Park",
    "Safer crossing at Mill Lane School",
    "Community fridge at St Anne's Hall",
    "Wildflower verges on Canal Road",
)
CATEGORIES = ("Sport and play", "Streets and transport", "Community", "Green spaces")


def _dress(setup: factories.RoundSetup, title: str) -> None:
    """Readable titles, mixed categories, Polish and Urdu titles (as a councillor would enter)."""
    setup.round.title = title
    setup.round.translations = {
        "pl": {"title": "Budżet dzielnicy: " + title},
        "ur": {"title": "وارڈ بجٹ: " + title},
    }
    for project, name, category in zip(setup.projects, TITLES, CATEGORIES, strict=False):
        project.title = name
        project.category = category


def seed(database_url: str) -> Site:
    app = make_app(database_url)
    site = Site(base="", database_url=database_url)
    with app.app_context():
        home = factories.ward("RV", "Riverside")
        for name, overrides in BALLOTS.items():
            setup = factories.round_in_phase(
                Phase.VOTING, ward_=home, costs=COSTS, ballot_format=name, **overrides
            )
            _dress(setup, f"Riverside {name} round")
            site.rounds[name] = setup.round.id
            site.projects[name] = [p.id for p in setup.projects]
            site.costs[name] = [p.cost for p in setup.projects]
            site.params[name] = dict(setup.round.ballot_params)
            site.budgets[name] = setup.round.budget
        published = factories.round_in_phase(
            Phase.PUBLISHED,
            ward_=home,
            costs=COSTS,
            ballots=[{0: 1, 1: 1}, {0: 1, 2: 1}, {1: 1, 3: 1}, {0: 1}, {2: 1, 3: 1}],
        )
        _dress(published, "Riverside 2025 results")
        site.rounds["published"] = published.round.id
        site.voters = [factories.user(home=home).email for _ in range(16)]
        db.session.commit()
        db.engine.dispose()
    return site


@pytest.fixture(scope="module")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_browser()
    path = tmp_path_factory.mktemp("browser") / "site.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    seeded = seed(url)
    with gunicorn(url, workers=2, threads=4) as base:
        seeded.base = base
        yield seeded


# The process's chromium. tests/transparency imports `browser` into its conftest, which makes a
# second session fixture of that name: it must get this chromium, since a second Playwright
# cannot start in the thread of a running one (it failed when one worker ran both packages).
_LAUNCHED: list[Any] = []


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if _LAUNCHED:
        yield _LAUNCHED[0]
        return
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        _LAUNCHED.append(chromium)
        try:
            yield chromium
        finally:
            _LAUNCHED.clear()
            chromium.close()


def sign_in(page: Any, site: Site, email: str) -> None:
    page.goto(site.base + "/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
