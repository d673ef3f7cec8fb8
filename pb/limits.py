"""Every rate limit, and which client address they count, in one place.

A limit has a name here, a setting in `pb.config.Settings` (so also an environment variable of
the same name, e.g. `LOGIN_ACCOUNT_RATE_LIMIT="5 per 15 minutes"`), a key (who is counted) and
what counts: every request, or only refused ones (a failed login, a wrong code). Use it on a view:

    @bp.route("/login", methods=["GET", "POST"])
    @limits.limit("login_account", "login_client")
    def login(): ...

or, inside a view where the decision is not the response status, `limits.hit("name", key)`
(counts one event and says whether it was still within the limit) and `limits.exceeded(...)`.
A limit's counters are shared by every endpoint that uses it (Flask-Limiter's shared limits).
Adding one: a `*_RATE_LIMIT` field in Settings, an entry in LIMITS, a line in docs/architecture.md.

The client address is `request.remote_addr`. Behind a reverse proxy it is the proxy's own
address unless `TRUSTED_PROXY_HOPS` says how many proxies in front of the app append to
`X-Forwarded-For` (Werkzeug's ProxyFix then takes the address the nearest of them saw). The
default, 0, trusts no header: anyone can write `X-Forwarded-For`, and trusting it without a
proxy that overwrites it would let an attacker pick a fresh address for every guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask_login import current_user
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from pb import limit_storage  # noqa: F401 (registers the sqlite:/// storage scheme)
from pb.extensions import limiter

View = TypeVar("View", bound=Callable[..., Any])


def client() -> str:
    """The client's address (after ProxyFix, when proxies are trusted)."""
    return request.remote_addr or "unknown"


def signed_in_user_or_client() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else f"client:{client()}"


def form_email_and_client() -> str:
    """The account named in the posted form, from this client: one address guessing at one
    account is slowed down without locking the owner out from anywhere else."""
    from pb.accounts.services import normalise_email  # not at the top: pb.accounts imports us

    return f"{normalise_email(request.form.get('email', ''))}|{client()}"


def refused(response: Response) -> bool:
    """A request the application turned down (a wrong password, an invalid form, a refusal)."""
    return 400 <= response.status_code < 500 and response.status_code != 429


@dataclass(frozen=True)
class Limit:
    setting: str  # the Settings field holding e.g. "10 per 15 minutes"; also the env variable
    key: Callable[[], str]  # who is counted
    only_refused: bool = False  # count only refused requests (see `refused`)


LIMITS: dict[str, Limit] = {
    # Failed sign-ins at one account from one client address. Not per account alone: anyone
    # could then lock the owner out by failing on purpose.
    "login_account": Limit("LOGIN_ACCOUNT_RATE_LIMIT", form_email_and_client, only_refused=True),
    # Failed sign-ins from one client address, whatever the account (spraying one password).
    "login_client": Limit("LOGIN_CLIENT_RATE_LIMIT", client, only_refused=True),
    # A wrong current password when changing it, per account (a stolen session guessing it).
    "password_change": Limit(
        "PASSWORD_CHANGE_RATE_LIMIT", signed_in_user_or_client, only_refused=True
    ),
    # Registrations from one client address: each sends an e-mail to an address we were given.
    "registration": Limit("REGISTRATION_RATE_LIMIT", client),
    # Password-reset requests for one address from one client (each sends an e-mail).
    "password_reset": Limit("PASSWORD_RESET_RATE_LIMIT", form_email_and_client),
    # "Send the link again", per account.
    "verification_resend": Limit("VERIFICATION_RESEND_RATE_LIMIT", signed_in_user_or_client),
    # Wrong census details: counted with `hit` per account ("user:<id>") and, separately, per
    # census entry whose reference was typed (so many accounts cannot share one entry's guesses).
    "census_account": Limit("CENSUS_ACCOUNT_RATE_LIMIT", signed_in_user_or_client),
    "census_entry": Limit("CENSUS_ENTRY_RATE_LIMIT", client),
    # Wrong access codes (unknown or revoked), counted with `hit` per client address; a code
    # with a wrong check symbol is refused before this, with no database lookup.
    "access_code": Limit("ACCESS_CODE_RATE_LIMIT", client),
    # Comments, amendments and reports, per signed-in user, all counted together.
    "posting": Limit("POSTING_RATE_LIMIT", signed_in_user_or_client),
    # Building a bundle serialises the whole audit log: one client may not keep the server at it.
    "bundle": Limit("BUNDLE_RATE_LIMIT", client),
    # Comparing every rule counts an election up to ten times, in child processes.
    "comparison": Limit("COMPARISON_RATE_LIMIT", client),
}


def limit(*names: str, methods: tuple[str, ...] = ("POST",)) -> Callable[[View], View]:
    """Apply the named limits to a view (for the given methods: POST by default)."""

    def decorate(view: View) -> View:
        for name in names:
            view = _shared_limit(name, LIMITS[name], methods)(view)
        return view

    return decorate


def _shared_limit(name: str, entry: Limit, methods: tuple[str, ...]) -> Any:
    return limiter.shared_limit(
        lambda: current_app.config[entry.setting],
        scope=name,
        key_func=entry.key,
        methods=list(methods),
        deduct_when=refused if entry.only_refused else None,
    )


def hit(name: str, key: str) -> bool:
    """Count one event against a limit for `key`; False once the limit is exceeded."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    return all(limiter.limiter.hit(item, *_identifiers(name, key)) for item in _items(name))


def exceeded(name: str, key: str) -> bool:
    """True when `key` has used up the limit (without counting anything)."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return False
    return not all(limiter.limiter.test(item, *_identifiers(name, key)) for item in _items(name))


def _items(name: str) -> list[Any]:
    return parse_many(current_app.config[LIMITS[name].setting])


def _identifiers(name: str, key: str) -> list[str]:
    """The counter's key parts as Flask-Limiter builds them for decorated views."""
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    return [prefix, key, name] if prefix else [key, name]


def init_app(app: Flask) -> None:
    """Check every limit's setting now (a typo fails at start-up, not at the first sign-in),
    start Flask-Limiter, and trust the configured number of proxies."""
    for name, entry in LIMITS.items():
        value = app.config[entry.setting]
        try:
            parse_many(value)
        except ValueError as error:
            raise RuntimeError(f"{entry.setting}={value!r} (limit {name!r}): {error}") from error
    limiter.init_app(app)
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        # Only X-Forwarded-For and -Proto: the host name stays the one the request named.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def drop_request_wide_check(app: Flask) -> None:
    """Once every blueprint is registered: Flask-Limiter checks, before every request, the limits
    set for the whole app, for a blueprint or by default. This app sets none (each limit is on a
    view, checked by its decorator as the view runs, or counted with `hit`), so that check found
    nothing, at about 0.13 ms of every request. It stays if such a limit is ever configured."""
    manager = limiter.limit_manager
    request_wide = (
        manager.application_limits,
        manager.default_limits,
        manager._blueprint_limits,  # no public accessor
        limiter._meta_limits,
    )
    hooks = app.before_request_funcs.get(None, [])
    if not any(request_wide) and limiter._check_request_limit in hooks:  # absent when disabled
        hooks.remove(limiter._check_request_limit)
