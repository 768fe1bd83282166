"""Bahasa Indonesia by default, English on request (Flask-Babel).

Message ids are the Indonesian texts themselves: Indonesian is what almost every user reads, so
it needs no catalogue and can never be shown half-translated; ``translations/en`` holds English.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel

from web.ui.blueprint import ui_blueprint
from web.ui.security import safe_next

bp = ui_blueprint("i18n", __name__, login=False)
babel = Babel()

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT = "id"
TRANSLATIONS = str(Path(__file__).with_name("translations"))


def select_locale() -> str:
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    dirs = app.config.get("BABEL_TRANSLATION_DIRECTORIES")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{dirs};{TRANSLATIONS}" if dirs else TRANSLATIONS
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"languages": LANGUAGES, "current_language": select_locale()}


@bp.route("/bahasa", methods=["POST"])
def switch() -> ResponseReturnValue:
    """Open to anonymous users too, so the login page itself can be read in English."""
    lang = request.form.get("lang", DEFAULT)
    session["lang"] = lang if lang in LANGUAGES else DEFAULT
    return redirect(safe_next(request.form.get("next"), url_for("dashboard.index")))
