"""Issue, cancel and accept invitations. Links are signed, expire, and work once."""

import hmac
import secrets
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import bindparam

from portal.auth.services import confirm_email, find_user, normalise_email
from portal.extensions import db
from portal.mail.services import send_mail
from portal.models import Employer, Invitation, Membership, Role, User, utcnow
from portal.tenancy import (
    active_membership,
    invitation_for_link,
    invitations_addressed_to,
    scoped_select,
)
from portal.tokens import InvalidLink, digest, sign, unsign


class InvitationProblem(Exception):
    """The invitation cannot be issued or accepted; the message says why, for the user."""


@dataclass(frozen=True)
class RepresentativeLicence:
    cicc_number: str | None = None
    law_society: str | None = None
    law_society_number: str | None = None


def issue_invitation(employer: Employer, invited_by: User, email: str, role: str) -> Invitation:
    """Create an invitation and mail its link. A pending one to the same email is replaced."""
    email = normalise_email(email)
    if role not in Role.ALL:
        raise InvitationProblem("Unknown role.")
    existing_user = find_user(email)
    if existing_user is not None and active_membership(existing_user.id, employer.id):
        raise InvitationProblem("This person already has access to this employer.")
    for pending in db.session.scalars(
        scoped_select(Invitation).where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        pending.revoked_at = utcnow()
    nonce = secrets.token_urlsafe(16)
    invitation = Invitation(
        employer_id=employer.id,
        email=email,
        role=role,
        nonce_hash=digest(nonce),
        invited_by_id=invited_by.id,
        expires_at=utcnow() + current_app.config["INVITATION_MAX_AGE"],
    )
    db.session.add(invitation)
    db.session.flush()
    token = sign("invitation", {"i": invitation.id, "n": nonce})
    send_mail(
        email,
        f"{invited_by.full_name} invites you to {employer.display_name} on the LMIA Portal",
        "invitation",
        invitation=invitation,
        employer=employer,
        invited_by=invited_by,
        link=url_for("invitations.accept", token=token, _external=True),
    )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """Return the pending invitation behind a link; raise InvalidLink otherwise."""
    payload = unsign("invitation", token, current_app.config["INVITATION_MAX_AGE"])
    invitation_id, nonce = payload.get("i"), payload.get("n")
    if not isinstance(invitation_id, int) or not isinstance(nonce, str):
        raise InvalidLink()
    # Looked up by primary key before any tenant is known: the signed nonce is the credential.
    invitation = invitation_for_link(invitation_id)
    if invitation is None or not hmac.compare_digest(invitation.nonce_hash, digest(nonce)):
        raise InvalidLink()
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvalidLink()
    if invitation.expires_at <= utcnow():
        raise InvalidLink(expired=True)
    return invitation


def accept_invitation(
    invitation: Invitation, user: User, licence: RepresentativeLicence | None = None
) -> Membership:
    """Turn the invitation into a membership for ``user`` (whose email must match)."""
    if user.email != invitation.email:
        raise InvitationProblem(
            "This invitation was sent to another email address. Sign in with that address."
        )
    if active_membership(user.id, invitation.employer_id) is not None:
        raise InvitationProblem("You already have access to this employer.")
    membership = Membership(
        employer_id=invitation.employer_id, user_id=user.id, role=invitation.role
    )
    if invitation.role == Role.REPRESENTATIVE:
        if licence is None or not (
            licence.cicc_number or (licence.law_society and licence.law_society_number)
        ):
            raise InvitationProblem("A representative gives a CICC number or a law society.")
        membership.cicc_number = licence.cicc_number
        membership.law_society = licence.law_society
        membership.law_society_number = licence.law_society_number
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    confirm_email(user)  # the invitation reached this address, or was shown to its proven owner
    db.session.add(membership)
    db.session.flush()
    return membership


def pending_invitations() -> list[Invitation]:
    """Return the current employer's invitations that can still be accepted."""
    return list(
        db.session.scalars(
            scoped_select(Invitation)
            .where(
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def _is_open(invitation: Invitation) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > utcnow()
    )


# Built once: the start page asks on every view (see portal.tenancy._MEMBERSHIPS_OF).
_OPEN_TO_ADDRESS = (
    invitations_addressed_to(bindparam("email"))
    .where(
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > bindparam("now", type_=Invitation.expires_at.type),
    )
    .order_by(Invitation.created_at.desc())
)


def invitations_waiting_for(user: User) -> list[tuple[Invitation, str]]:
    """Open invitations to the user's address with their home-page link tokens; none until the
    address is confirmed (anyone can sign up with an invitee's address, only its owner can
    confirm it)."""
    if user.email_confirmed_at is None:
        return []
    found = db.session.scalars(_OPEN_TO_ADDRESS, {"email": user.email, "now": utcnow()})
    return [
        (invitation, waiting_link_token(invitation, user))
        for invitation in found
        if active_membership(user.id, invitation.employer_id) is None
    ]


def waiting_link_token(invitation: Invitation, user: User) -> str:
    """The home page's link to an invitation waiting for ``user``: signed for that user."""
    return sign("waiting-invitation", {"i": invitation.id, "u": user.id})


def waiting_invitation_for_token(token: str, user: User) -> Invitation | None:
    """The open invitation a home-page link names, if it is addressed to ``user``'s confirmed
    address; else None (the view answers 404)."""
    try:
        payload = unsign("waiting-invitation", token, current_app.config["INVITATION_MAX_AGE"])
    except InvalidLink:
        return None
    invitation_id = payload.get("i")
    if payload.get("u") != user.id or not isinstance(invitation_id, int):
        return None
    # By primary key before any tenant is known: the signed link and the address are the check.
    invitation = invitation_for_link(invitation_id)
    if (
        invitation is None
        or user.email_confirmed_at is None
        or invitation.email != user.email
        or not _is_open(invitation)
    ):
        return None
    return invitation
