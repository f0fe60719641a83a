"""Cross-cutting HTTP behaviour: security headers, error pages, locale, template helpers."""

import logging

from flask import Flask, current_app, g, has_request_context, render_template, request
from flask_babel import format_currency, format_date, format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError

from portal.extensions import db

log = logging.getLogger("portal.security")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if current_app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Pages hold personal data once signed in; caching none of them is simpler than telling.
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


def select_locale() -> str:
    """The user's language if the portal has it translated, else the browser's, else English.

    Only offered locales (portal.auth.locales) are ever used, so a page's lang says the language
    its text is really in, and dates follow it.
    """
    from portal.auth.locales import default_locale, offered_locales

    offered = offered_locales()
    if not has_request_context():
        return default_locale()
    if current_user and current_user.is_authenticated:
        return current_user.locale if current_user.locale in offered else default_locale()
    choices = offered + sorted({code.split("_")[0] for code in offered})
    best = request.accept_languages.best_match(choices)
    if best and best not in offered:
        best = next(code for code in offered if code.startswith(best))
    return best or default_locale()


def register_error_pages(app: Flask) -> None:
    def page(status: int, template: str):
        def handler(error):
            if status >= 500:
                db.session.rollback()
            return render_template(template, error=error), status

        return handler

    for status in (400, 403, 404, 405, 409, 413, 429):
        app.register_error_handler(status, page(status, "errors/4xx.html"))
    app.register_error_handler(500, page(500, "errors/500.html"))

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # The request has no usable host, so no template (url_for) can be rendered for it.
        # request.host would raise again; the raw header is only logged, never used.
        log.warning("untrusted host refused: %r", request.headers.get("Host", "")[:100])
        return "Bad Request: unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        log.warning("csrf rejected endpoint=%s reason=%s", request.endpoint, error.description)
        return render_template("errors/4xx.html", error=error), 400


AUDIT_ACTION_LABELS = {
    "employers.insert": _l("Employer created"),
    "employers.update": _l("Employer profile changed"),
    "work_locations.insert": _l("Work location added"),
    "work_locations.update": _l("Work location changed"),
    "work_locations.delete": _l("Work location removed"),
    "memberships.insert": _l("Access granted"),
    "memberships.update": _l("Access changed or removed"),
    "invitations.insert": _l("Invitation sent"),
    "invitations.update": _l("Invitation accepted, cancelled or replaced"),
}


ROLE_LABELS = {
    "owner": _l("Owner"),
    "staff": _l("Staff"),
    "viewer": _l("Viewer"),
    "representative": _l("Representative (lawyer or consultant)"),
}


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["role"] = lambda role: ROLE_LABELS.get(role, role)
    app.jinja_env.filters["audit_action"] = lambda action: AUDIT_ACTION_LABELS.get(action, action)
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt)
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)
    app.jinja_env.filters["money"] = lambda value, currency="CAD": format_currency(value, currency)

    @app.context_processor
    def navigation():
        from portal.tenancy import can, memberships_of

        memberships = memberships_of(current_user.id) if current_user.is_authenticated else []
        return {
            "nav_memberships": memberships,
            "current_employer_nav": g.get("employer"),
            "can": can,
        }
