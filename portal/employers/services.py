"""Employer operations. They add and flush; the view commits once."""

from portal.auth.sessions import end_all_sessions
from portal.extensions import db
from portal.models import Employer, Membership, Role, User, Worker, WorkLocation, utcnow
from portal.offers import terms as offer_terms
from portal.tenancy import scoped_select

PROFILE_FIELDS = (
    "legal_name",
    "operating_name",
    "business_number",
    "street_address",
    "city",
    "province",
    "postal_code",
    "phone",
    "naics_code",
)
LOCATION_FIELDS = ("street_address", "city", "province", "postal_code", "employee_count")


class StaleEdit(Exception):
    """Someone else saved this record after the form was opened."""


class MembershipRuleBroken(Exception):
    """The change would break a membership rule (e.g. remove the last owner)."""


def _clean(value):
    return value.strip() or None if isinstance(value, str) else value


def create_employer(owner: User, profile: dict, employees_at_address: int) -> Employer:
    """Create an employer, make ``owner`` its owner and record the business address as a site."""
    employer = Employer(**{field: _clean(profile.get(field)) for field in PROFILE_FIELDS})
    db.session.add(employer)
    db.session.flush()
    db.session.add(Membership(employer_id=employer.id, user_id=owner.id, role=Role.OWNER))
    db.session.add(
        WorkLocation(
            employer_id=employer.id,
            street_address=employer.street_address,
            city=employer.city,
            province=employer.province,
            postal_code=employer.postal_code,
            employee_count=employees_at_address,
        )
    )
    db.session.flush()
    return employer


def update_employer(employer: Employer, profile: dict, seen_version: str | None) -> None:
    """Save the profile unless it changed since the form was opened (then raise StaleEdit)."""
    if str(employer.version) != (seen_version or ""):
        raise StaleEdit()
    before = offer_terms.employer_terms(employer)
    for field in PROFILE_FIELDS:
        setattr(employer, field, _clean(profile.get(field)))
    # Workers' offers state the employer's names and address: those still equal follow.
    after = offer_terms.employer_terms(employer)
    if after != before:
        for worker in db.session.scalars(scoped_select(Worker)):
            if not offer_terms.is_signed(worker.offer):
                worker.offer = offer_terms.follow_position(worker.offer, before, after)
    db.session.flush()


def save_work_location(location: WorkLocation, fields: dict) -> WorkLocation:
    for field in LOCATION_FIELDS:
        setattr(location, field, _clean(fields.get(field)))
    db.session.add(location)
    db.session.flush()
    return location


def remove_work_location(employer: Employer, location: WorkLocation) -> None:
    if len(employer.work_locations) <= 1:
        raise MembershipRuleBroken("An employer needs at least one work location.")
    db.session.delete(location)
    db.session.flush()


def current_members() -> list[Membership]:
    """Return the current employer's live memberships with their users."""
    return list(
        db.session.scalars(
            scoped_select(Membership)
            .join(Membership.user)
            .where(Membership.revoked_at.is_(None))
            .order_by(Membership.role, User.full_name)
        )
    )


def revoke_membership(employer: Employer, membership: Membership, by: User) -> None:
    """Remove someone's access now: the membership ends and their sessions are signed out."""
    if membership.revoked_at is not None:
        return
    if membership.role == Role.OWNER:
        owners = db.session.scalars(
            scoped_select(Membership).where(
                Membership.role == Role.OWNER, Membership.revoked_at.is_(None)
            )
        ).all()
        if len(owners) <= 1:
            raise MembershipRuleBroken("An employer needs at least one owner.")
    membership.revoked_at = utcnow()
    membership.revoked_by_id = by.id
    end_all_sessions(membership.user_id, "access_revoked")
    db.session.flush()
