"""``flask lmia``: check an ``lmia-case/1`` file against the rules, and list the rules.

    flask --app portal lmia check FILE [--as-of YYYY-MM-DD] [--format json|text]
    flask --app portal lmia rules [--format json|text]

The commands are ``portal.checker``'s (also the ``lmia`` console script, which starts without
Flask); here they read the reference data from this app's instance folder.
Register with ``app.cli.add_command(lmia)``.
"""

from __future__ import annotations

from flask import current_app
from flask.cli import AppGroup

from portal.checker import EXIT_ERRORS, EXIT_INVALID, EXIT_OK, HELP, add_commands, reference_for
from portal.rules.context import Reference

__all__ = ["EXIT_ERRORS", "EXIT_INVALID", "EXIT_OK", "lmia", "load_reference"]


def load_reference() -> Reference:
    """The labour-market reference data of this app: its instance's files over the packaged."""
    return reference_for(current_app.instance_path)


lmia = add_commands(AppGroup("lmia", help=HELP), load_reference)
