"""Celery entry point (``celery -A sepakat.celery_app worker -B``; ``sepakat worker`` runs it)."""

from sepakat.app import create_app

celery_app = create_app().extensions["celery"]
