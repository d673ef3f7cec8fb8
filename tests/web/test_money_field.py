"""A money field reads back exactly what it pre-fills, in every language and currency: the
officer's review form once showed "21,000", which is not read as 21000 everywhere."""

from __future__ import annotations

from babel.numbers import get_decimal_symbol
from flask import Flask
from flask_babel import force_locale
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from pb.forms import MoneyField, editable_amount
from pb.rounds.models import Phase
from tests import factories


class _AmountForm(FlaskForm):
    class Meta:
        csrf = False

    amount = MoneyField("Amount")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.integers(min_value=1, max_value=10**14),
    language=st.sampled_from(["en", "pl", "ur"]),
    currency=st.sampled_from(["GBP", "PLN", "EUR", "JPY"]),
)
def test_what_is_prefilled_is_read_back_as_the_same_amount(
    bare_app: Flask, amount: int, language: str, currency: str
) -> None:
    with bare_app.test_request_context(), force_locale(language):
        shown = editable_amount(amount, currency)
        assert shown.replace(get_decimal_symbol(language), "", 1).isdigit(), shown  # no grouping
        form = _AmountForm(formdata=MultiDict({"amount": shown}))
        form.amount.currency = currency
        assert form.validate(), (shown, form.errors)
        assert form.amount.data == amount


def test_the_review_form_prefills_the_cost_without_grouping(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW, costs=(2_100_000,), budget=5_000_000)
    officer = app.test_client()
    factories.login(officer, setup.officer)
    for language, shown in (("en", "21000"), ("pl", "21000"), ("ur", "21000")):
        officer.post("/language", data={"lang": language})
        page = officer.get(f"/review/proposals/{setup.projects[0].id}").text
        assert f'value="{shown}"' in page, language
