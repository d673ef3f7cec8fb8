"""Domain exceptions services raise, and how the web layer turns them into responses.

Services never build HTTP responses; a view (or the handlers here) maps these to status codes:
pages get a readable error page, `/api/` gets `{"error": ..., "reason": ...}` JSON.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused an action; `message` is safe to show to the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """The action is valid in general but not in the object's current state."""

    status_code = 409


class InvalidInput(DomainError):
    status_code = 422


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_response(status: int, title: str, reason: str) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify(error=title, reason=reason, status=status), status
    return render_template("errors/error.html", status=status, title=title, reason=reason), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):  # type: ignore[no-untyped-def]
        return _error_response(error.status_code, _("That could not be done"), error.message)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        titles = {
            400: _("Bad request"),
            403: _("You do not have access to this page"),
            404: _("Page not found"),
            405: _("That action is not allowed here"),
            413: _("That upload is too large"),
            429: _("Too many attempts"),
        }
        reasons = {
            400: _("The request could not be understood. Please go back and try again."),
            403: _("Your account's role does not allow this. Sign in with another account."),
            404: _("There is nothing at this address. Check the link or go to the home page."),
            405: _("This address does not accept that kind of request."),
            413: _("Please send a smaller file."),
            429: _("Please wait a few minutes before trying again."),
        }
        if status >= 500:
            return _error_response(status, _("Something went wrong"), _("Please try again."))
        title = titles.get(status, error.name)
        reason = reasons.get(status, error.description or "")
        if status == 400 and error.description and "CSRF" in error.description:
            reason = _("Your form expired. Please go back, reload the page and submit it again.")
        elif (
            status == 400
            and isinstance(error.description, str)
            and error.description != (type(error).description)
        ):
            reason = error.description  # a specific, translated explanation given with abort()
        return _error_response(status, title, reason)
