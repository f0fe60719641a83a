"""Cross-cutting HTTP behaviour: security headers, error pages, locale, template helpers,
HEAD requests, and the parsing of what a URL carries (ids, query parameters, ``next``)."""

import builtins
import logging
import re
from datetime import date
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    render_template,
    request,
)
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    get_locale,
    get_translations,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.exceptions import SecurityError
from werkzeug.routing import IntegerConverter

from portal import edits
from portal.extensions import db
from portal.limits import AS_OF_FIRST, AS_OF_LAST, as_of_in_range
from portal.rules.phrase import Fragment, Language, in_language

log = logging.getLogger("portal.security")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecretLinkRedactor(logging.Filter):
    """Blank the token of a secret link (attestation, password reset, invitation...) in request
    lines that servers log: the link is the credential, and logs are kept and shared widely."""

    def __init__(self, app: Flask):
        super().__init__()
        prefixes = {
            rule.rule.split("<token>")[0]
            for rule in app.url_map.iter_rules()
            if "token" in rule.arguments
        }
        # Longest first, so "/invitations/waiting/" wins over "/invitations/".
        alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
        self.pattern = re.compile(f'({alternatives})[^/\\s?#"]+') if prefixes else None

    def redact(self, text: str) -> str:
        return self.pattern.sub(r"\1[redacted]", text) if self.pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self.redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.redact(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.args, dict):  # gunicorn's access log passes its atoms by name
            record.args = {
                key: self.redact(value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        return True


# Loggers that write request lines: Werkzeug's server (make run) and gunicorn's access log.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def redact_secret_links_in_request_logs(app: Flask) -> None:
    redactor = SecretLinkRedactor(app)
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        # One redactor per logger, the latest app's (tests build many apps in one process).
        for old in [f for f in logger.filters if isinstance(f, SecretLinkRedactor)]:
            logger.removeFilter(old)
        logger.addFilter(redactor)


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
    """The user's language if the portal has it translated, else (for a visitor) the one chosen
    with the header's switch, else the browser's, else English.

    Only offered locales (portal.auth.locales) are ever used, so a page's lang says the language
    its text is really in, and dates follow it.
    """
    from portal.auth.locales import LANGUAGE_COOKIE, default_locale, offered_locales

    offered = offered_locales()
    if not has_request_context():
        return default_locale()
    if current_user and current_user.is_authenticated:
        return current_user.locale if current_user.locale in offered else default_locale()
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in offered:
        return chosen
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


# --------------------------------------------------------------------------------------------
# HEAD


class HeadAsGet:
    """Answer HEAD exactly as GET, without the body (RFC 9110 §9.3.2).

    Many views branch on ``request.method == "GET"`` and treat anything else as a submitted
    form, so HEAD (uptime monitors, link checkers, ``curl -I``) got the form's 422. Running GET
    and dropping the body keeps status and headers (Content-Type, Content-Length, security
    headers) identical for every page, present and future. HEAD is only routed where GET is, so
    a POST-only URL still answers 405. The environ is copied, so server logs keep "HEAD".
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "HEAD":
            return self.wsgi_app(environ, start_response)
        started = []

        def start(status, headers, exc_info=None):
            started.append(True)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app({**environ, "REQUEST_METHOD": "GET"}, start)
        try:
            if not started:  # WSGI lets an app start the response on its first chunk
                for _chunk in body:
                    if started:
                        break
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        return []


# --------------------------------------------------------------------------------------------
# What a URL carries: ids in the path, query parameters, the ``next`` target

# Ids are INTEGER columns: 32-bit on PostgreSQL. A larger id names nothing, and passing it to
# the database fails ("integer out of range" on PostgreSQL, OverflowError on SQLite above
# 2**63 - 1), so the URL does not match (404) before any query.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` for every route: ASCII digits only, at most ``MAX_ID``.

    Werkzeug's own converter accepts any Unicode digit ("١" for 1) and any length; this one is
    registered under the name ``int`` (see ``portal.app``), so no route can use the unbounded one.
    """

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        if signed:
            raise ValueError("ids are never negative")
        bound = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=bound)


MAX_PAGE = 100_000
MAX_NEXT_LENGTH = 2048

# Every query-string parameter a view reads, read only through the helpers below.
# tests/security/test_http_hostile_values.py greps the source for request.args and fails
# on a parameter missing here, then feeds hostile values to each of them on every page.
QUERY_PARAMETERS = {
    "page": "page number of a paged list (page_number)",
    "clients_page": "page number of a representative's clients on the start page (page_number)",
    "as_of": "date the checks run as of (as_of_date)",
    "next": "where to go after signing in (safe_next)",
    "about": "which note the check-your-e-mail page shows (one of auth.views.CHECK_EMAIL_ABOUT)",
    "activity": "the ad preselected on the missed-capture form (a choice the form validates)",
    # The "Add a file" page filled in for a checklist item (portal/evidence/views.py): each
    # is used only when it is one of its field's choices.
    "category": "the kind of file preselected on the upload form",
    "attach_to": "what the upload is attached to, preselected",
    "worker_id": "the worker a signed agreement belongs to, preselected",
    "is_snapshot": 'ticks "this is a capture of the ad" when 1',
    # Issue 10, deadlines (portal/deadlines/views.py): the list's filters.
    "employer": "the employer the deadlines page is filtered to (an id of the user's employers)",
    "days": "how many days ahead the deadlines page lists (1 to 365)",
    "lang": "the language of a worker's offer preview, or of the attestation page a worker's "
    "link opens (en or fr; anything else is a 400)",
}


def page_number(name: str = "page") -> int:
    """The page asked for (``?page=N``): 1 when absent, 400 unless 1 ≤ N ≤ ``MAX_PAGE``."""
    raw = request.args.get(name, "")
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= MAX_PAGE):
        abort(
            400,
            description=_(
                "%(field)s: a page number from 1 to %(last)d.", field=name, last=MAX_PAGE
            ),
        )
    return int(raw)


def as_of_date(name: str = "as_of", default: date | None = None) -> date:
    """The day asked for (``?as_of=YYYY-MM-DD``), else ``default`` (today); 400 outside
    ``AS_OF_FIRST`` … ``AS_OF_LAST`` or when not a date."""
    raw = request.args.get(name, "")
    if not raw:
        return default or date.today()
    try:
        if len(raw) != 10 or not raw.isascii():
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        abort(400, description=_("%(field)s: not a date in the form YYYY-MM-DD.", field=name))
    if not as_of_in_range(day):
        abort(
            400,
            description=_(
                "%(field)s: a date from %(first)s to %(last)s.",
                field=name,
                first=AS_OF_FIRST.isoformat(),
                last=AS_OF_LAST.isoformat(),
            ),
        )
    return day


def xlsx_download(workbook: bytes, filename: str) -> Response:
    """An XLSX export as a download (``filename`` made of ASCII letters, digits and dashes)."""
    from portal.spreadsheets import XLSX_MIMETYPE

    return Response(
        workbook,
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` if it is a plain path on this site, else ``default``.

    Refused: other sites (``//host``, ``https://…``, ``\\host``), any control, format or
    separator character (CR/LF would split the ``Location`` header; a tab or a bidi control
    could disguise the target) and values over ``MAX_NEXT_LENGTH``. Other non-ASCII text is
    kept: Werkzeug percent-encodes the ``Location`` header.
    """
    if (
        not target
        or len(target) > MAX_NEXT_LENGTH
        or not target.isprintable()
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


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
    "attestations.insert": _l("Attestation link sent to a worker"),
    "attestations.update": _l("Attestation answered by the worker"),
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
    app.jinja_env.filters["phrase"] = in_page_language
    from portal.forms import render_field

    app.jinja_env.globals["render_field"] = render_field

    @app.context_processor
    def navigation():
        from portal.tenancy import can, identity_number, my_memberships

        return {
            "nav_memberships": my_memberships(),
            "current_employer_nav": g.get("employer"),
            "can": can,
            "identity_number": identity_number,
        }


# --- Refusing a stale save (lost updates) -----------------------------------------------------


def _shown_value(field, value) -> str:
    """A current value as the form would show it: a choice's label, a date in the user's words."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    choices = getattr(field, "choices", None)
    if choices and not isinstance(value, list | tuple):
        labels = {
            str(getattr(c, "value", None) if hasattr(c, "value") else c[0]): str(
                getattr(c, "label", None) if hasattr(c, "label") else c[1]
            )
            for c in choices
        }
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, list | tuple):
        return "; ".join(
            " ".join(str(v) for v in item.values() if v not in (None, ""))
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    return str(value)


def refuse_stale_edit(form, record, seen: str | None, message: str, current=None, aliases=None):
    """Prepare the 409 page of a save refused because ``record`` changed since ``seen``.

    Call after rolling back, with ``record`` re-read. Sets ``g.edit_conflict`` (base.html shows
    it above the form): ``message`` with who changed the record and when, and each changed field
    with its saved value (a redacted one only as "changed"). Sets the hidden version to the
    current one, so saving again replaces the latest; the form keeps what this person typed.
    ``current`` maps a form field to its saved value when that is not the record's attribute of
    the same name; ``aliases`` maps a stored name to its form field (``wage.amount`` ->
    ``wage_amount``).
    """
    conflict = edits.conflict_of(db.session, record, seen) if record is not None else None
    rows, others = [], 0
    seen_fields = set()
    for changed in conflict.fields if conflict else []:
        name = (aliases or {}).get(changed.name, changed.name)
        if name in ("csrf_token", "version") or name not in form:
            others += 1
            continue
        if name in seen_fields:
            continue
        seen_fields.add(name)
        field = form[name]
        if changed.redacted:
            value = _("changed")
        else:
            saved = (current or {}).get(name, getattr(record, name, None))
            value = _shown_value(field, saved)
        rows.append((str(field.label.text), value))
    if conflict and conflict.who and conflict.when:
        by = _(
            "%(message)s It was changed by %(who)s on %(when)s.",
            message=message,
            who=", ".join(conflict.who),
            when=format_datetime(conflict.when, "medium"),
        )
    else:
        by = message
    g.edit_conflict = {"message": by, "rows": rows, "others": others}
    form.version.data = str(record.version if record is not None else 0)


def first_submission(form) -> bool:
    """Claim the create form's submission key in the request's transaction (it commits with the
    record): False when this very form was already posted (the caller answers as if it had just
    saved, without saving again)."""
    field = getattr(form, "submission", None)
    return edits.claim_submission(db.session, str(current_user.id), field.data if field else None)


def create_once(form, save) -> bool:
    """Run ``save()`` (which saves and commits, the claim with it) unless this create form was
    already posted: True when it ran, False for a repeat (flashed; the caller redirects as after
    a save). A failed save rolls the claim back with it, so the form can be sent again."""
    if not first_submission(form):
        flash(_("This form was sent twice; it is saved once."), "info")
        return False
    try:
        save()
    except BaseException:
        db.session.rollback()
        raise
    return True


def refuse_nul_characters():
    """A form value with a NUL character is refused (400, naming the field): PostgreSQL text
    cannot hold it, and no one types it (the form fuzzer found a 500 on PostgreSQL)."""
    from flask import abort, request

    if request.method in ("POST", "PUT", "PATCH"):
        for name, value in request.form.items(multi=True):
            if "\x00" in value:
                abort(400, description=f"{name}: contains a NUL character")


# --- Translations in templates, looked up once per page ---------------------------------------


def _page_translations():
    """The request's translations, found once per locale rather than once per string.

    Flask-Babel's template callables resolve the domain, the locale and the cache on every
    ``_()`` (a page has 60 to 150). This keeps the last answer on ``g`` with the locale object it
    was for: ``force_locale`` (a letter rendered in French) sets another locale object, so the
    cached one is not reused for it."""
    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None) if context is not None else None
    if locale is None:  # the first string of the request resolves the locale
        return get_translations()
    cached = g.get("_page_translations")
    if cached is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    g._page_translations = (locale, translations)
    return translations


@pass_eval_context
def _template_gettext(eval_context, string, **variables):
    """Jinja's new-style ``gettext`` (escaped, always %-formatted), called directly: Jinja's own
    goes through two more calls per string (``_`` aliases ``gettext``, which wraps this)."""
    translated = _page_translations().ugettext(string)
    if eval_context.autoescape:
        # nosemgrep: no-markup-of-non-literal - catalogue text, marked as Jinja's gettext does
        translated = Markup(translated)  # noqa: S704  # nosec B704 # catalogue text, as Jinja does
    return translated % variables


@pass_eval_context
def _template_ngettext(eval_context, singular, plural, number, **variables):
    variables.setdefault("num", number)
    translated = _page_translations().ungettext(singular, plural, number)
    if eval_context.autoescape:
        # nosemgrep: no-markup-of-non-literal - catalogue text, marked as Jinja's gettext does
        translated = Markup(translated)  # noqa: S704  # nosec B704 # catalogue text, as Jinja does
    return translated % variables


def in_page_language(text):
    """A finding's message or fix (``portal.rules.phrase``) in the page's language. English
    pages show the rules' own text, which is already English."""
    if not isinstance(text, Fragment):
        return text
    language = _phrase_language()
    return text if language is None else in_language(text, language)


def _phrase_language() -> Language | None:
    """The page's ``Language`` for phrases (None on an English page), kept on Flask-Babel's
    context beside the locale it is for (``force_locale`` sets another locale object, as for
    ``_page_translations``): a compliance page renders about a hundred phrases, and asking
    Flask-Babel for the locale each time cost a tenth of the page."""
    context = g.get("_flask_babel")
    if context is not None:
        cached = getattr(context, "portal_phrase_language", None)
        if cached is not None and cached[0] is getattr(context, "babel_locale", None):
            return cached[1]
    locale = get_locale()
    language = None
    if locale is not None and locale.language != "en":
        language = Language(_page_translations(), locale)
    context = g.get("_flask_babel")
    if context is not None and locale is not None:
        context.portal_phrase_language = (locale, language)
    return language


def install_page_gettext(app) -> None:
    """Templates' ``_``/``ngettext`` through ``_page_translations`` (after Flask-Babel's init)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _page_translations().ugettext(s),
        ngettext=lambda s, p, n: _page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _page_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )
