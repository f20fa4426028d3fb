from flask import Blueprint

bp = Blueprint("decisions", __name__, url_prefix="/decisions")
