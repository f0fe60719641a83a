"""``flask --app portal two-factor-reset EMAIL``: the operator's answer to a lost phone with no
recovery code left. Check who is asking first (out of band: a call to a number on file)."""

import click
from flask.cli import with_appcontext

from portal.audit import record_event
from portal.auth import two_factor
from portal.auth.services import find_user
from portal.auth.sessions import end_all_sessions
from portal.extensions import db


@click.command("two-factor-reset")
@click.argument("email")
@with_appcontext
def two_factor_reset(email: str) -> None:
    """Turn off EMAIL's two-factor sign-in and end their sessions (audited).

    If the account needs two-factor, its next sign-in asks to set it up again.
    """
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account has the address {email.strip().lower()}.")
    was_on = two_factor.is_enabled(user)
    two_factor.turn_off(user)
    end_all_sessions(user.id, "two_factor_reset")
    # No actor: the operator at the console is not a portal account.
    record_event(db.session, "user.two_factor_reset", entity=user, changes={"was_on": was_on})
    db.session.commit()
    state = "was on" if was_on else "was not on"
    click.echo(
        f"Two-factor sign-in for {user.email} {state}; it is reset and every session of the "
        "account has ended. The next sign-in asks to set it up again if the account needs it."
    )
