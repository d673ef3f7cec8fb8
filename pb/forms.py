"""Helpers shared by every form: showing a service's refusal on the right field."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import IO, Any, TypeVar

from babel.numbers import NumberFormatError, format_decimal, get_currency_precision, parse_decimal
from flask import Flask, Request, abort, current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from pb.errors import DomainError
from pb.i18n import minor_to_decimal


def apply_error(form: FlaskForm, error: DomainError) -> None:
    """Put a domain error under the field it names, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def form_status(form: FlaskForm) -> int:
    """The status of a form's page: 422 when it was sent and comes back with errors (so the
    request rolls back whatever it flushed), 200 when it is first shown."""
    return 422 if form.is_submitted() else 200


def editable_amount(amount_minor: int, currency: str) -> str:
    """An amount as a money field pre-fills it: no grouping separators (a "21,000" is read back
    differently in some languages), decimals only when there are some, in the locale's own
    decimal sign. `MoneyField` parses it back to the same amount in every language."""
    amount = minor_to_decimal(amount_minor, currency)
    places = get_currency_precision(currency) if amount != amount.to_integral_value() else 0
    pattern = "0." + "0" * places if places else "0"
    return format_decimal(amount, format=pattern, locale=get_locale(), group_separator=False)


class MoneyField(StringField):
    """An amount typed in major units as the visitor writes numbers ("12,500.50" in English,
    "12 500,50" in Polish), kept as integer minor units in `data`. Never a float."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = "GBP"

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return editable_amount(self.data, self.currency)

    def process_formdata(self, valuelist: list[str]) -> None:
        # Converted in pre_validate, once the view has set the currency (its decimals matter).
        self.text = valuelist[0].strip() if valuelist else ""
        self.data = None

    def pre_validate(self, form: Any) -> None:
        text = getattr(self, "text", "")
        if not text:
            return
        text = text.replace("\u00a0", " ")
        for symbol in ("£", "€", "$", "zł", "PLN", "GBP", "EUR", "USD", "Rs"):
            text = text.replace(symbol, "")
        try:
            amount = parse_decimal(text.strip(), locale=get_locale(), strict=False)
        except NumberFormatError as error:
            raise ValidationError(_l("Enter an amount such as 12500 or 12500.50.")) from error
        if not amount.is_finite():  # "NaN", "sNaN", "Infinity" parse as decimals, not amounts
            raise ValidationError(_l("Enter an amount such as 12500 or 12500.50."))
        # The exponent is checked before scaling: "1E+999999999" would overflow the decimal
        # context (an exception) and "1E-999999999" underflow to a zero that looks whole.
        if amount <= 0 or not -6 <= amount.adjusted() <= 15:
            raise ValidationError(_l("Enter a positive amount with at most two decimals."))
        scaled = amount.scaleb(get_currency_precision(self.currency))
        if scaled != scaled.to_integral_value() or scaled >= Decimal(10) ** 15:
            raise ValidationError(_l("Enter a positive amount with at most two decimals."))
        self.data = int(scaled)


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class SmallIntegerField(IntegerField):
    """An integer of at most nine digits: longer input is an error, not a crash in validators
    that compare it with floats."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and len(valuelist[0].strip().lstrip("+-")) > 9:
            self.data = None
            raise ValueError(_l("Enter a smaller number."))
        super().process_formdata(valuelist)


View = TypeVar("View", bound=Callable[..., Any])


def accepts_files(*field_names: str) -> Callable[[View], View]:
    """Let a view receive uploaded files in the named fields (put it under `@bp.route`).

    Every other view refuses a request carrying a file part: WTForms would hand the uploaded
    file to a text field, whose validators then fail on it (a 500)."""

    def mark(view: View) -> View:
        view.accepted_file_fields = frozenset(field_names)  # type: ignore[attr-defined]
        return view

    return mark


def _file_fields_accepted() -> frozenset[str]:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "accepted_file_fields", frozenset())


class InMemoryUploads(Request):
    """Uploaded files stay in memory (Werkzeug spools those over 500 kB to a temporary file).
    An uploaded pabulib file must never be written anywhere; `MAX_CONTENT_LENGTH` (or a view's
    own `request.max_content_length`) bounds the memory this takes."""

    def _get_file_stream(self, *args: Any, **kwargs: Any) -> IO[bytes]:
        return io.BytesIO()


def init_app(app: Flask) -> None:
    app.request_class = InMemoryUploads

    @app.before_request
    def _refuse_unexpected_files() -> None:
        """A file where the form expects text (any field, on any form) is refused as a whole."""
        if request.method in ("GET", "HEAD") or not request.files:
            return
        if set(request.files) - _file_fields_accepted():
            abort(
                400,
                description=_(
                    "This form takes typed text, not a file. Remove the file and try again."
                ),
            )

    @app.before_request
    def _refuse_nul_characters() -> None:
        """A NUL character is never meaningful in typed text, and PostgreSQL cannot store it:
        refuse the request with a clear message instead of failing deep in the database."""
        values = [*request.args.values(), *request.form.values()]
        if any("\x00" in value for value in values):
            abort(
                400,
                description=_("The form contained an invalid character. Remove it and try again."),
            )
