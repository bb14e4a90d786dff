"""Every Flask extension object, created once and bound in ``app.create_app``.

Models and blueprints import from here, never from ``app``, so there are no import cycles.
"""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

from core.queue import Queue

# Named constraints keep Alembic migrations identical on SQLite, PostgreSQL and MariaDB.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()
bootstrap = Bootstrap5()
talisman = Talisman()
limiter = Limiter(key_func=get_remote_address)
queue = Queue(db)  # Huey: the delivery queue (core/queue.py)
