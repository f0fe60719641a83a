"""The application factory."""

import logging
from pathlib import Path

from flask import Flask
from jinja2 import BytecodeCache
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import build_config, instance_path
from portal.extensions import RATE_LIMITS, babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept for the life of the process, shared by every app built in it.

    A server builds one app per process, so this changes nothing there; the test suite builds
    thousands, and compiled the layout and its macros anew for each. Jinja checks each entry
    against the template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def create_app(config: dict | None = None) -> Flask:
    """Build the portal. ``config`` overrides the environment-derived settings (tests use it)."""
    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    app.jinja_options = {**app.jinja_options, "bytecode_cache": COMPILED_TEMPLATES}
    app.config.from_mapping(build_config(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    register_field_keys(app)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_http(app)
    register_commands(app)
    configure_logging(app)
    if app.config.get("COUNT_QUERIES"):
        from portal import query_count

        query_count.register(app)
    return app


def register_field_keys(app: Flask) -> None:
    from portal import crypto

    keyring = crypto.Keyring.from_setting(app.config["FIELD_KEYS"])
    app.extensions["field_keyring"] = keyring
    crypto.configure(keyring)  # for code run outside a request or app context


def register_extensions(app: Flask) -> None:
    from portal.web import install_page_gettext, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    app.extensions[RATE_LIMITS] = limiter.limiter
    babel.init_app(app, locale_selector=select_locale)
    install_page_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    # Loads the user_loader that resolves server-side session tokens.
    import portal.audit  # noqa: F401
    import portal.auth.sessions  # noqa: F401


def register_converters(app: Flask) -> None:
    from portal.web import IdConverter

    # Before any route is added: every ``<int:…>`` of every blueprint gets the bounded one.
    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from portal.attestations.views import bp as attestations_bp
    from portal.auth import bp as auth_bp
    from portal.capture import bp as capture_bp
    from portal.dashboard import bp as dashboard_bp
    from portal.deadlines.views import bp as deadlines_bp
    from portal.employers import bp as employers_bp
    from portal.evidence import bp as evidence_bp
    from portal.invitations import bp as invitations_bp
    from portal.mail import bp as mail_bp
    from portal.offers.views import bp as offers_bp
    from portal.payroll.views import bp as payroll_bp
    from portal.positions import bp as positions_bp
    from portal.protection.views import bp as protection_bp
    from portal.riskview import bp as risk_bp
    from portal.road.views import bp as road_bp

    blueprints = (
        dashboard_bp,
        auth_bp,
        employers_bp,
        invitations_bp,
        mail_bp,
        positions_bp,
        evidence_bp,
        offers_bp,
        protection_bp,
        road_bp,
        risk_bp,
        attestations_bp,
        payroll_bp,  # issue 10: a worker's payroll
        deadlines_bp,
        capture_bp,  # issue 13: capture this ad
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_http(app: Flask) -> None:
    from portal.mail.deferred import RunAfterLastByte
    from portal.tenancy import guard_request
    from portal.web import (
        HeadAsGet,
        refuse_nul_characters,
        register_error_pages,
        register_template_helpers,
        set_security_headers,
    )

    app.wsgi_app = HeadAsGet(RunAfterLastByte(app.wsgi_app))
    # Deny by default: one guard for every request of every blueprint.
    app.before_request_funcs.setdefault(None, []).insert(0, guard_request)
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
    register_error_pages(app)
    register_template_helpers(app)


def register_commands(app: Flask) -> None:
    from portal.commands.accounts import two_factor_reset
    from portal.commands.backup import backup, restore
    from portal.commands.bundle import list_positions, make_bundle
    from portal.commands.deadlines import list_deadlines, send_reminders
    from portal.commands.demo import seed_demo
    from portal.commands.keys import new_field_key, rotate_keys
    from portal.commands.lmia import lmia
    from portal.commands.maintenance import check_integrity, sweep
    from portal.commands.offers import list_workers, offer_letter
    from portal.commands.queue import worker
    from portal.commands.refdata import refdata
    from portal.commands.risk import risk

    app.cli.add_command(seed_demo)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(lmia)
    app.cli.add_command(refdata)
    app.cli.add_command(list_positions)
    app.cli.add_command(make_bundle)
    app.cli.add_command(list_workers)
    app.cli.add_command(offer_letter)
    app.cli.add_command(risk)
    app.cli.add_command(list_deadlines)
    app.cli.add_command(send_reminders)
    app.cli.add_command(two_factor_reset)
    app.cli.add_command(rotate_keys)
    app.cli.add_command(new_field_key)
    app.cli.add_command(sweep)
    app.cli.add_command(check_integrity)
    app.cli.add_command(worker)


def configure_logging(app: Flask) -> None:
    from portal.web import redact_secret_links_in_request_logs

    redact_secret_links_in_request_logs(app)
    if not app.logger.handlers or app.debug:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
