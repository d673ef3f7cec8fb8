"""Languages: which locale a request uses, right-to-left scripts, locale-aware formatting, and the
councillors' translations of round and project texts."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from babel import Locale, numbers
from babel.numbers import get_currency_precision
from babel.support import NullTranslations
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import (
    force_locale,
    format_date,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    get_translations,
    lazy_gettext,
)
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from pb.config import PROJECT_ROOT
from pb.extensions import babel
from pb.process_cache import kept

# The page's catalogue in a template's context (see `_install_direct_gettext`).
CATALOGUE = "pb_catalogue"
LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "ur": "اردو"}
# Texts a councillor may translate; a category is translated per name ("category:Parks").
TRANSLATABLE_FIELDS = ("title", "description")


def select_locale() -> str:
    """The language the visitor picked (kept in their session), else their browser's best match."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line, background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def text_direction(language: str | None = None) -> str:
    return Locale.parse(language or str(get_locale())).text_direction  # "ltr" or "rtl"


def minor_to_decimal(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-get_currency_precision(currency))


def format_money(amount_minor: int | Decimal | None, currency: str) -> str:
    """Integer minor units (pence, grosze) as a locale-formatted amount: exact, no float."""
    if amount_minor is None:
        return ""
    if isinstance(amount_minor, Decimal):  # an exact share, rounded to the minor unit
        amount_minor = int(amount_minor.to_integral_value())
    locale = get_locale()
    if locale is None:  # outside a request: Babel's default locale, as flask_babel does
        return numbers.format_currency(minor_to_decimal(amount_minor, currency), currency)
    return _money_in(str(locale), amount_minor, currency)


# Babel's formatting parses the locale's patterns on every call (about 0.1 ms each, and a
# results page shows dozens of amounts); the same amount in the same locale is the same text.
@lru_cache(maxsize=8192)
def _money_in(locale: str, amount_minor: int, currency: str) -> str:
    amount = minor_to_decimal(amount_minor, currency)
    return numbers.format_currency(amount, currency, locale=locale)


def format_number(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    locale = get_locale()
    if type(value) is int and locale is not None:  # memoised (a Decimal's digits are its text)
        return _integer_in(str(locale), value)
    return format_decimal(value)


@lru_cache(maxsize=8192)
def _integer_in(locale: str, value: int) -> str:
    return numbers.format_decimal(value, locale=locale)


def format_moment(moment: datetime | None, style: str = "medium") -> str:
    """A date in `style` with the time to the minute, joined the locale's way
    ("24 Dec 2026, 09:21"): seconds mean nothing on a round's timetable."""
    if moment is None:
        return ""
    pattern = str(get_locale().datetime_formats.get(style, "{1} {0}"))
    return pattern.replace("{1}", format_date(moment, style)).replace(
        "{0}", format_time(moment, "short")
    )


def format_day(day: date | None, style: str = "medium") -> str:
    return "" if day is None else format_date(day, style)


def localised(obj: Any, field: str, language: str | None = None) -> str:
    """A round's or project's text in the visitor's language, falling back to the original.

    Councillors enter translations in `obj.translations` ({"pl": {"title": ...}}); an empty or
    missing translation shows the text as it was written.
    """
    original = getattr(obj, field)
    texts: Mapping[str, Mapping[str, str]] = getattr(obj, "translations", None) or {}
    translated = (texts.get(language or current_language()) or {}).get(field, "")
    return translated.strip() or original


# The categories a new round starts with. A round that keeps one of them shows it in the
# reader's language unless the councillor translated it themselves.
BUILT_IN_CATEGORIES = {
    "Green spaces": lazy_gettext("Green spaces"),
    "Streets and transport": lazy_gettext("Streets and transport"),
    "Culture": lazy_gettext("Culture"),
    "Education": lazy_gettext("Education"),
    "Sport and play": lazy_gettext("Sport and play"),
    "Community and social care": lazy_gettext("Community and social care"),
}


def localised_category(round_: Any, category: str, language: str | None = None) -> str:
    texts: Mapping[str, Mapping[str, str]] = getattr(round_, "translations", None) or {}
    translated = (texts.get(language or current_language()) or {}).get(f"category:{category}", "")
    if translated.strip():
        return translated.strip()
    built_in = BUILT_IN_CATEGORIES.get(category)
    if built_in is None:
        return category
    if language is None:
        return str(built_in)
    with force_locale(language):
        return str(built_in)


T = TypeVar("T")
_TEXTS: dict[tuple[Hashable, ...], Any] = {}
_TEXTS_SIZE = 1024


def per_language(key: tuple[Hashable, ...], texts: Callable[[], T]) -> T:
    """`texts()`, computed once per language and `key`: for translated texts that depend on
    nothing but their key and the language (a ballot's meter messages, its filter counts)."""
    return kept(_TEXTS, (str(get_locale()), *key), texts, _TEXTS_SIZE)  # type: ignore[no-any-return]


def _install_template_gettext(app: Flask) -> Callable[[], NullTranslations]:
    """The templates' `_()` and `ngettext()`, looking the catalogue up by the locale once per
    language instead of through flask_babel's three request-context lookups per string (a page
    translates a hundred strings or more). The same catalogue, so the same words. Returns the
    function that finds the request's catalogue."""
    catalogues: dict[str, NullTranslations] = {}

    def catalogue() -> NullTranslations:
        locale = get_locale()
        if locale is None:  # outside a request: flask_babel's own answer
            return get_translations()
        key = str(locale)
        found = catalogues.get(key)
        if found is None:
            found = catalogues[key] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )
    _install_direct_gettext(app, catalogue)
    return catalogue


def _install_direct_gettext(app: Flask, catalogue: Callable[[], NullTranslations]) -> None:
    """`_()`, `gettext()` and `ngettext()` as Jinja's newstyle ones (the same escaping and
    %-formatting), minus their cost: Jinja's `_` calls `gettext` through the context, which
    calls the translation function through it again (three `Context.call`s a string), and each
    string looked the locale up. Here one call, with the catalogue looked up once per page (the
    context's `CATALOGUE`: `_page_language`); templates rendered without it look it up.
    Positional-only, like Jinja's dunder names: a template may pass any variable name."""

    def translations(context: Context) -> NullTranslations:
        found = context.get(CATALOGUE)
        return found if found is not None else catalogue()

    @pass_context
    def gettext(context: Context, string: str, /, **variables: Any) -> str:
        text = translations(context).ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables  # always a format string, as Jinja's newstyle gettext

    @pass_context
    def ngettext(
        context: Context, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        text = translations(context).ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


def _page_language(app: Flask, catalogue: Callable[[], NullTranslations]) -> None:
    """Every page's language, direction, language menu and catalogue: the same for every page
    in a locale, so worked out once per locale (Babel parses the locale for the direction)."""
    contexts: dict[str, dict[str, object]] = {}
    names = {code: LANGUAGE_NAMES[code] for code in app.config["LANGUAGES"]}

    @app.context_processor
    def _language_context() -> dict[str, object]:
        locale = get_locale()
        found = contexts.get(str(locale)) if locale is not None else None
        if found is None:
            found = {
                "current_lang": current_language(),
                "text_dir": text_direction(),
                "language_names": names,
                CATALOGUE: catalogue(),
            }
            if locale is not None:
                contexts[str(locale)] = found
        return found


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "pb" / "translations")
    )
    babel.init_app(app, locale_selector=select_locale)
    _page_language(app, _install_template_gettext(app))
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.filters["loc"] = localised
    app.jinja_env.globals["category_name"] = localised_category
