from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SubmitField
from wtforms.validators import InputRequired

from pb.following.models import AuthorEmail
from pb.forms import options


class FollowForm(FlaskForm):
    email = BooleanField(_l("Also send me an e-mail for each update"))
    submit = SubmitField(_l("Follow"))


class UnfollowForm(FlaskForm):
    submit = SubmitField(_l("Stop following"))


class ReadForm(FlaskForm):
    submit = SubmitField(_l("Mark all as read"))


class AuthorEmailForm(FlaskForm):
    author_email = RadioField(
        _l("E-mail about comments and supports on my proposals"),
        choices=options(
            [
                (AuthorEmail.IMMEDIATELY.value, _l("One e-mail for each")),
                (AuthorEmail.DAILY.value, _l("One e-mail a day with all of them")),
            ]
        ),
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Save"))
