"""Extension instances, created unbound and attached in ``create_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# The remote address is the socket peer unless ProxyFix is configured to trust a proxy, so a
# client-supplied X-Forwarded-For header cannot move a caller into a fresh rate-limit bucket.
limiter = Limiter(key_func=get_remote_address)
