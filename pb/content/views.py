"""The councillor's page for entering round and project texts in other languages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from pb.content import services
from pb.errors import DomainError
from pb.i18n import LANGUAGE_NAMES
from pb.proposals import services as proposals
from pb.rounds import services as rounds

bp = Blueprint("content", __name__, url_prefix="/manage")


@bp.route("/rounds/<int:round_id>/translations", methods=["GET", "POST"])
def round_translations(round_id: int):  # type: ignore[no-untyped-def]
    """Titles and descriptions of a round and its projects, in each other language."""
    round_ = rounds.get_managed_round(current_user, round_id)
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = tuple(code for code in current_app.config["LANGUAGES"] if code != default)
    projects = proposals.round_proposals(round_)
    form = FlaskForm()  # CSRF only: the fields depend on the round's projects and categories
    errors: list[str] = []
    if form.validate_on_submit():
        round_texts = {
            lang: {
                name: request.form.get(f"round-{lang}-{name}", "")
                for name in ("title", "description")
            }
            | {
                f"category:{category}": request.form.get(f"category-{lang}-{index}", "")
                for index, category in enumerate(round_.categories)
            }
            for lang in languages
        }
        project_texts = {
            p.id: {
                lang: {
                    name: request.form.get(f"project-{p.id}-{lang}-{name}", "")
                    for name in ("title", "description")
                }
                for lang in languages
            }
            for p in projects
        }
        try:
            services.save(round_, round_texts, project_texts, languages, actor=current_user)
        except DomainError as error:
            errors.append(error.message)
        else:
            flash(_("The translations were saved."), "success")
            return redirect(url_for("content.round_translations", round_id=round_.id))
    elif form.is_submitted():
        errors.append(_("Your form expired. Please submit it again."))
    status = 422 if errors else 200
    return render_template(
        "content/round_translations.html",
        form=form,
        round=round_,
        projects=projects,
        languages=[(code, LANGUAGE_NAMES[code]) for code in languages],
        errors=errors,
    ), status
