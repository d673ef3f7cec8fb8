"""Security headers on every response, set in one place."""

from __future__ import annotations

from flask import Flask, Response

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
}


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
