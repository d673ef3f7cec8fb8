from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField


class FollowForm(FlaskForm):
    email = BooleanField(_l("Also send me an e-mail for each update"))
    submit = SubmitField(_l("Follow"))


class UnfollowForm(FlaskForm):
    submit = SubmitField(_l("Stop following"))


class ReadForm(FlaskForm):
    submit = SubmitField(_l("Mark all as read"))
