from flask import Blueprint

bp = Blueprint("conformity", __name__)
