"""Rules side by side: a counted round's comparison (and its CSV), and the public upload page."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import format_percent
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField

from pb import limits
from pb.db import reads_only
from pb.errors import DomainError
from pb.forms import accepts_files, apply_error, form_status
from pb.i18n import text_direction
from pb.public.services import visible_round
from pb.results import charts, comparison, engine
from pb.voting.formats import BALLOT_FORMATS

bp = Blueprint("compare", __name__)


class UploadForm(FlaskForm):
    file = FileField(
        _l("Pabulib file (.pb, at most 20 MB)"),
        validators=[FileRequired(), FileAllowed(["pb", "txt"], _l("Upload a .pb file."))],
    )
    submit = SubmitField(_l("Compare the rules"))
    csv = SubmitField(_l("Download the comparison as CSV"))


@bp.before_request
def _allow_large_uploads() -> None:
    """Only the upload page takes a file as large as a city-wide pabulib file."""
    if request.endpoint == "compare.upload":
        request.max_content_length = comparison.MAX_UPLOAD_BYTES + 64 * 1024


def _charts(result: comparison.Comparison) -> dict[str, charts.BarChart]:
    rtl = text_direction() == "rtl"
    counted = result.counted

    def chart(name: str, scale: int, text) -> charts.BarChart:  # type: ignore[no-untyped-def]
        return charts.bar_chart(
            [
                charts.Row(c.label, round(c.measures[name] * scale), text(c.measures[name]))
                for c in counted
            ],
            rtl,
        )

    return {
        "reached": chart("share_with_funded_project", 1000, format_percent),
        "cost": chart("mean_satisfaction_cost", 1000, format_percent),
    }


def _csv(result: comparison.Comparison, name: str) -> Response:
    response = Response(comparison.as_csv(result), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/rounds/<int:round_id>/results/compare")
@limits.limit("comparison", methods=("GET",))
def round_page(round_id: int):  # type: ignore[no-untyped-def]
    """What every rule would have funded with this round's ballots, and how voters would fare."""
    round_ = visible_round(round_id)
    result = comparison.for_round(round_, current_user)
    return render_template(
        "compare/round.html", round=round_, result=result, charts=_charts(result)
    )


@bp.get("/rounds/<int:round_id>/results/compare.csv")
@limits.limit("comparison", methods=("GET",))
def round_csv(round_id: int):  # type: ignore[no-untyped-def]
    """The round's comparison as CSV (one line per rule)."""
    round_ = visible_round(round_id)
    return _csv(comparison.for_round(round_, current_user), f"round-{round_id}-rules.csv")


@bp.get("/rules")
def rules():  # type: ignore[no-untyped-def]
    """Every counting rule in plain words, with the ballot formats it can count."""
    rules = [
        (rule, [str(BALLOT_FORMATS[name].label) for name in rule.formats])
        for rule in engine.rule_options()
    ]
    return render_template("compare/rules.html", rules=rules)


@bp.route("/compare", methods=["GET", "POST"])
@reads_only  # the file is compared in memory; nothing is stored
@accepts_files("file")
@limits.limit("comparison")
def upload():  # type: ignore[no-untyped-def]
    """Compare every rule on any pabulib file; the file is read in memory and never kept."""
    form = UploadForm()
    if form.validate_on_submit():
        try:
            result = comparison.for_upload(form.file.data.read())
        except DomainError as error:
            apply_error(form, error)
        else:
            if form.csv.data:
                return _csv(result, "rules.csv")
            return render_template(
                "compare/upload.html", form=form, result=result, charts=_charts(result)
            )
    status = form_status(form)
    return render_template("compare/upload.html", form=form, result=None), status
