"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from pb import create_app

app = create_app()
