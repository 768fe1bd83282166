"""Celery entry point (``celery -A workers.worker worker -B``; ``sepakat worker`` runs it)."""

from web import create_app

celery_app = create_app().extensions["celery"]
