"""The composition root: the one place that builds a Sepakat application.

``sepakat.app.create_app`` composes the Flask app, the database, the province registry, the web
layer (``web``), the Celery app (``workers``) and publish-on-commit; ``sepakat.cli`` is the
``sepakat`` console script; ``sepakat.celery_app`` is what ``celery -A`` loads. ``core``,
``web`` and ``workers`` never import this package, and ``web`` and ``workers`` never import each
other (import-linter contracts in setup.cfg, run by scripts/test).
"""
