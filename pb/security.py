"""Security headers on every response, set in one place."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from flask import Flask, Response, request, url_for

# default-src 'self': scripts, styles, images and fonts only from this site, so a script tag or an
# event handler that slipped into a page (stored XSS) would not run: inline scripts, inline
# styles and eval are all refused. object-src 'none' stops plugins; base-uri stops a <base> tag
# re-pointing relative links; form-action stops a form posting elsewhere; frame-ancestors stops
# clickjacking by framing the ballot in another site.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Browsers must not guess a content type (an upload sniffed as HTML would run as a page).
    "X-Content-Type-Options": "nosniff",
    # Links out of the site do not carry its addresses (round, proposal and receipt pages).
    "Referrer-Policy": "same-origin",
    # No page needs the camera, microphone, location, payment or USB: a script that slipped in
    # (or a framed page) cannot ask for them, and browsers do not offer the prompts at all.
    "Permissions-Policy": ", ".join(
        f"{feature}=()" for feature in ("camera", "microphone", "geolocation", "payment", "usb")
    ),
    # A window this site opens, or that opens it, gets no handle on the other (window.opener):
    # a cross-site page cannot navigate a signed-in tab to a look-alike (tabnabbing) or probe it.
    "Cross-Origin-Opener-Policy": "same-origin",
}
# HTTPS only, for two years, sub-domains included: once a browser has seen the site it never
# again tries plain HTTP, where a network attacker could strip TLS and read the session cookie.
# Sent only in production (PB_PRODUCTION=1), where the site is served over HTTPS; on the local
# demo (plain HTTP) it would make browsers refuse 127.0.0.1 for two years.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: an open redirect would let a phishing
    link borrow our sign-in page.

    Browsers drop tabs and line breaks anywhere in a URL and control characters and spaces at its
    ends before parsing it, so "/\t/evil.example" is "//evil.example" (another site) to them;
    and a line break cannot go into a Location header at all. So any control, format or space
    character, and a backslash (read as "/"), refuses the target outright, written plainly or
    percent-encoded."""
    if not target:
        return None
    # Checked as given and percent-decoded: no legitimate path of ours encodes a tab or a "/".
    if all(_same_site_path(text) for text in (target, unquote(target))):
        return target
    return None


def _same_site_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith("//"):
        return False
    if any(_unsafe_in_location(character) for character in text):
        return False
    parts = urlsplit(text)
    return not (parts.scheme or parts.netloc)


def _unsafe_in_location(character: str) -> bool:
    return character == "\\" or character.isspace() or unicodedata.category(character)[0] in "CZ"


def return_path() -> str:
    """Where the language form brings the visitor back to: this page, with its query.

    The path is quoted again (Werkzeug hands it over decoded) and checked like any `next`; error
    pages return home, since their path is whatever a stranger put in a link."""
    if request.url_rule is None:
        return url_for("public.home")
    return _checked_return(request.path, request.query_string) or url_for("public.home")


# Every page's header asks, and the check reads the path character by character.
@lru_cache(maxsize=1024)
def _checked_return(path: str, query: bytes) -> str | None:
    quoted = quote(path, safe="/:@!$&'()*+,;=-._~")
    if query:
        quoted += "?" + query.decode("ascii", "replace")
    return safe_next(quoted)


def same_origin_request() -> bool:
    """False when the browser says the request came from another site.

    For a form that needs no session (a visitor's language): no CSRF token, so no session
    cookie for every anonymous page view; instead the browser's own word. Sec-Fetch-Site and
    Origin are set by the browser, not by the page, so another site cannot forge them; a client
    that sends neither (an old browser, a script) is not a victim's browser being steered."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == request.host_url.rstrip("/")


def init_app(app: Flask) -> None:
    app.add_template_global(return_path)
    headers = dict(HEADERS)
    if app.config["ENV_PRODUCTION"]:
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
