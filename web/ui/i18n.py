"""Bahasa Indonesia by default, English on request (Flask-Babel).

Message ids are the Indonesian texts themselves: Indonesian is what almost every user reads, so
it needs no catalogue and can never be shown half-translated; ``translations/en`` holds English.
A province plugin ships the English of its own texts in a ``translations`` folder beside its
module (``<module>/translations/en/LC_MESSAGES/messages.mo``); the pages merge every province's
catalogue with this one, which is merged last so a plugin adds texts but never changes core's.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from flask import Flask, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel
from flask_login import current_user

from core.services import preferences
from web import get_registry
from web.extensions import session as db_session
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


def plugin_translations(plugin: object) -> Path | None:
    """The ``translations`` folder beside the plugin's module (a plugin object: beside the
    module of its class), if there is one."""
    module = plugin if isinstance(plugin, ModuleType) else sys.modules.get(type(plugin).__module__)
    file = getattr(module, "__file__", None)
    folder = Path(file).with_name("translations") if file else None
    return folder if folder is not None and folder.is_dir() else None


def translation_directories(configured: str | None, plugins: Iterable[object]) -> str:
    """Flask-Babel's search path: configured folders, the provinces', then core's. Each later
    catalogue overrides the earlier ones' texts, so core's own English always wins."""
    found = [str(d) for d in map(plugin_translations, plugins) if d is not None]
    return ";".join([*filter(None, [configured]), *dict.fromkeys(found), TRANSLATIONS])


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories(
        app.config.get("BABEL_TRANSLATION_DIRECTORIES"),
        (runtime.plugin for runtime in get_registry(app)),
    )
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"languages": LANGUAGES, "current_language": select_locale()}


@bp.get("/bahasa")
def back_from_switch() -> ResponseReturnValue:
    """The switch's address opened directly: where it would have gone."""
    return redirect(safe_next(request.args.get("next"), url_for("dashboard.index")))


@bp.route("/bahasa", methods=["POST"])
def switch() -> ResponseReturnValue:
    """Open to anonymous users too, so the login page itself can be read in English. A
    logged-in user's choice is kept on their account: their notifications and e-mails follow
    it (``core.services.preferences``)."""
    lang = request.form.get("lang", DEFAULT)
    session["lang"] = lang if lang in LANGUAGES else DEFAULT
    if current_user.is_authenticated:
        preferences.set_language(db_session(), current_user.actor.user_id, session["lang"])
    return redirect(safe_next(request.form.get("next"), url_for("dashboard.index")))
