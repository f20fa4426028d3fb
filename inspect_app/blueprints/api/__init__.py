from flask import Blueprint

bp = Blueprint("api", __name__)

# Importing the modules registers their hooks and views on `bp`.
from inspect_app.blueprints.api import (  # noqa: E402, F401
    auth,
    conformity,
    evidence,
    findings,
    jobs,
    plans,
    proposal,
    regulations,
    routes,
    tallies,
    training,
)
