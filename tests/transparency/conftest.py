"""The browser tests' seeded server and browser, shared with the transparency pages' axe test."""

from tests.browser.conftest import browser, site  # noqa: F401  (fixtures, used by name)
