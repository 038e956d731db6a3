"""Django project configuration. Importing it loads the Celery app, so `shared_task`s bind to
it wherever they are defined (ADR 0018)."""

from config.celery import app as celery_app

__all__ = ("celery_app",)
