"""LMIA Compliance Portal.

The application factory lives in ``portal.app``; it is imported lazily here so the domain
packages (``portal.rules``, ``portal.cases``, ``portal.reference``) import without Flask.
"""


def create_app(config: dict | None = None):
    """Build the portal (see ``portal.app.create_app``)."""
    from portal.app import create_app as build

    return build(config)
