"""Languages: which locale a request uses, right-to-left scripts, and locale-aware formatting."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from babel import Locale
from babel.numbers import get_currency_precision
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_currency, format_datetime, get_locale

from pb.config import PROJECT_ROOT
from pb.extensions import babel

LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "ur": "اردو"}


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


def text_direction() -> str:
    return Locale.parse(str(get_locale())).text_direction  # "ltr" or "rtl"


def minor_to_decimal(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-get_currency_precision(currency))


def format_money(amount_minor: int | None, currency: str) -> str:
    """Integer minor units (pence, grosze) as a locale-formatted amount: exact, no float."""
    if amount_minor is None:
        return ""
    return format_currency(minor_to_decimal(amount_minor, currency), currency)


def format_moment(moment: datetime | None, style: str = "medium") -> str:
    return "" if moment is None else format_datetime(moment, style)


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "pb" / "translations")
    )
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["moment"] = format_moment

    @app.context_processor
    def _language_context() -> dict[str, object]:
        return {
            "current_lang": str(get_locale()),
            "text_dir": text_direction(),
            "language_names": {code: LANGUAGE_NAMES[code] for code in app.config["LANGUAGES"]},
        }
