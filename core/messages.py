"""User-facing messages that can be shown in another language without core knowing how.

A message is its Bahasa Indonesia text (what the API returns and most users read). When it has
values in it, ``msg`` keeps the template and the values beside the text, so ``web.ui`` can look
the template up in its English catalogue and fill the values in again. Core stays free of
Flask-Babel: the message ids are the Indonesian texts themselves, as in the pages.

``python -m web.ui.translations.catalog`` extracts the templates of ``msg`` and ``N_`` calls (and
the literal messages of ``Violation`` and the domain errors) from ``core/`` and ``plugins/``.
"""

from __future__ import annotations

from typing import Any


class Text(str):
    """The Indonesian text (it *is* the string), plus the ``template`` and ``params`` it was
    made from."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Text:
        text = super().__new__(cls, template.format(**params) if params else template)
        text.template = template
        text.params = params
        return text

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (and copies) as the message it is
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, Any]) -> Text:
    return Text(template, **params)


def msg(template: str, **params: Any) -> Text:
    """A message with values: ``msg("Tahun {year} tidak ada pada kegiatan.", year=2023)``."""
    return Text(template, **params)


def N_(text: str) -> str:
    """Marks a fixed message for the catalogue; returns it unchanged."""
    return text
