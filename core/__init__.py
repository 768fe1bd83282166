"""Sepakat's domain: models, workflow, hooks and use cases. Knows no Flask request, no Celery."""
