"""WSGI entry point: `gunicorn -w 4 wsgi:app`, `flask --app wsgi ...`."""

from inspect_app import create_app

app = create_app()
