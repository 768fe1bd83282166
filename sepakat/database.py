"""The database of every app the root builds: Flask-SQLAlchemy's ``db`` (one object per
process; each app binds its own engine to it) and Alembic through Flask-Migrate."""

from __future__ import annotations

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from core.models import Base
from web.extensions import MIGRATIONS

db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=MIGRATIONS, render_as_batch=True, compare_type=True)
