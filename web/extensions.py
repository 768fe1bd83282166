"""Extensions created at module level and bound in ``create_app`` (the flaskr pattern)."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Session

from core.models import Base

MIGRATIONS = str(Path(__file__).with_name("migrations"))

db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=MIGRATIONS, render_as_batch=True, compare_type=True)


def session() -> Session:
    """The request's (or CLI command's) session, as the plain ``Session`` core expects."""
    return db.session()
