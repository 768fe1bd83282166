"""The workflow of each province as an SVG drawn from its ``Workflow`` definition, so stages a
plugin adds (Lampung's ``kesbangpol_review``) appear without anyone editing a picture.

Layout: the forward route runs down one column in the order the states are defined (plugins
insert their stages in place); the states that ``return``/``reject`` lead to sit in a side
column. A route that skips a stage bends round the left. The page also lists every transition
as a table, which is what a screen reader reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup, escape

from core.plugins import ProvinceRuntime
from core.workflow import Gate, State, Transition, Workflow
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.layout import registry
from web.ui.messages import translate

bp = ui_blueprint("diagram", __name__, "/alur")

WIDTH = 480
MAIN_X, MAIN_W = 40, 230
SIDE_X, SIDE_W = 320, 150
BOX_H, GAP = 46, 58
# Boxes and arrows by what they are: forward, sent back (for revision), refused (for good).
FILL = {"final": "#e3f4e8", "back": "#fff1d6", "refused": "#fde2e2", "normal": "#e8f0fb"}
STROKE = {"forward": "#1d4f91", "back": "#9a5b00", "refused": "#b42318", "resubmit": "#1f6f43"}


@dataclass(frozen=True)
class Box:
    state: State
    x: int
    y: int
    w: int

    @property
    def cx(self) -> int:
        return self.x + self.w // 2


def _kind(state: State, side: set[str]) -> str:
    if state.code in side:
        return "refused" if state.final else "back"
    return "final" if state.final else "normal"


def _wrap(text: str, width: int) -> list[str]:
    """Break a label into lines of roughly ``width`` characters (SVG has no text wrapping)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _text(x: int, y: int, lines: Iterable[str], cls: str = "", anchor: str = "middle") -> str:
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else 15}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}" class="{cls}">{spans}</text>'


def layout(workflow: Workflow) -> tuple[dict[str, Box], set[str]]:
    side = {t.target for t in workflow.transitions if workflow.is_setback(t)}
    boxes: dict[str, Box] = {}
    main = [s for s in workflow.states if s.code not in side]
    for i, s in enumerate(main):
        boxes[s.code] = Box(s, MAIN_X, 20 + i * (BOX_H + GAP), MAIN_W)
    next_free = 0
    for s in workflow.states:
        if s.code not in side:
            continue
        sources = [boxes[t.source].y for t in workflow.transitions if t.target == s.code]
        y = max(sum(sources) // max(len(sources), 1), next_free)
        boxes[s.code] = Box(s, SIDE_X, y, SIDE_W)
        next_free = y + BOX_H + 30
    return boxes, side


def gate_rule(gate: Gate) -> str:
    """A gate's rule as the reader's language says it (the diagram, the activity, the queue)."""
    if gate.rule == "quorum":
        return _("minimal %(k)s pihak setuju", k=gate.quorum)
    return _("semua pihak setuju")


def _roles_text(t: Transition, runtime: ProvinceRuntime) -> str:
    if not t.roles:  # a gate's own move: the engine takes it when the parties have decided
        return _("otomatis")
    return ", ".join(
        translate(runtime.roles[r].label) if r in runtime.roles else r for r in t.roles
    )


def render_svg(workflow: Workflow, runtime: ProvinceRuntime) -> Markup:
    boxes, side = layout(workflow)
    height = max(b.y for b in boxes.values()) + BOX_H + 30
    parts: list[str] = []
    skips = 0
    drawn: set[tuple[str, str]] = set()
    for t in workflow.transitions:
        if (t.source, t.target) in drawn or t.source not in boxes or t.target not in boxes:
            continue
        drawn.add((t.source, t.target))
        a, b = boxes[t.source], boxes[t.target]
        label = f"{translate(t.label)} ({_roles_text(t, runtime)})"
        title = f"<title>{escape(label)}</title>"
        if t.target in side:
            kind = "refused" if b.state.final else "back"
            path = f"M{a.x + a.w},{a.y + BOX_H // 2} L{b.x},{b.y + BOX_H // 2}"
            parts.append(
                f'<path d="{path}" class="e {kind}" marker-end="url(#m-{kind})">{title}</path>'
            )
        elif t.source in side:
            path = f"M{a.x},{a.y + BOX_H - 8} L{b.x + b.w},{b.y + BOX_H // 2}"
            parts.append(
                f'<path d="{path}" class="e resubmit" marker-end="url(#m-resubmit)">{title}</path>'
            )
        elif b.y - a.y == BOX_H + GAP:
            x = a.cx
            parts.append(
                f'<path d="M{x},{a.y + BOX_H} L{x},{b.y}" class="e forward" '
                f'marker-end="url(#m-forward)">{title}</path>'
            )
            # wrapped so a long label stays left of the side column's arrows
            lines = _wrap(translate(t.label) + (" *" if t.when else ""), 16)
            top = a.y + BOX_H + GAP // 2 + 5 - 7 * (len(lines) - 1)
            parts.append(_text(x + 8, top, lines, "el", "start"))
        else:
            skips += 1
            bend = MAIN_X - 12 * skips
            y1, y2 = a.y + BOX_H // 2, b.y + BOX_H // 2
            path = f"M{a.x},{y1} C{bend},{y1} {bend},{y2} {b.x},{y2}"
            parts.append(
                f'<path d="{path}" class="e forward" marker-end="url(#m-forward)">{title}</path>'
            )
    for box in boxes.values():
        kind = _kind(box.state, side)
        lines = _wrap(translate(box.state.label), 26 if box.w == MAIN_W else 17)
        gate = box.state.gate
        if gate is not None:  # parties decide in parallel: a double frame and the rule
            parties = f"⫴ {translate(gate.label)}:"
            lines = [*lines, *_wrap(parties, 34), *_wrap(gate_rule(gate), 34)]
        top = box.y + BOX_H // 2 + 5 - 7 * (len(lines) - 1)
        frame = (
            f'<rect x="{box.x + 4}" y="{box.y + 4}" width="{box.w - 8}" height="{BOX_H - 8}" '
            f'rx="6" fill="none" class="gate"/>'
            if gate is not None
            else ""
        )
        parts.append(
            f'<g class="s {kind}"><rect x="{box.x}" y="{box.y}" width="{box.w}" '
            f'height="{BOX_H}" rx="8" fill="{FILL[kind]}"/>{frame}'
            + _text(box.cx, top, lines, "sl")
            + "</g>"
        )
    markers = "".join(
        f'<marker id="m-{k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{c}"/></marker>'
        for k, c in STROKE.items()
    )
    style = (
        "<style>.e{fill:none;stroke-width:2}"
        + "".join(f".e.{k}{{stroke:{c}}}" for k, c in STROKE.items())
        + ".e.back,.e.refused{stroke-dasharray:6 4}"
        ".s rect{stroke:#33415c;stroke-width:1.5}"
        ".sl{font:600 14px system-ui,sans-serif;fill:#111}"
        ".el{font:13px system-ui,sans-serif;fill:#1d2a3a}</style>"
    )
    title = _(
        "Alur kerja %(name)s (versi %(version)s)", name=runtime.info.name, version=workflow.version
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="wf-title" class="workflow-diagram">'
        f'<title id="wf-title">{escape(title)}</title>'
        f"{style}<defs>{markers}</defs>{''.join(parts)}</svg>"
    )


def _province(code: str | None) -> ProvinceRuntime:
    """The viewer's own province; any other is a 404, as the API answers for
    ``/provinces/{code}/workflow`` (another province's route is its data, not ours to show)."""
    reg = registry()
    own = current_actor().province_code
    code = code or own
    if code != own or code not in reg:
        abort(404)
    return reg.get(code)


@bp.route("/")
def index() -> ResponseReturnValue:
    rt = _province(request.args.get("provinsi"))
    workflow = rt.workflow
    return render_template(
        "ui/workflow.html",
        runtime=rt,
        provinces=[rt],
        workflow=workflow,
        svg=render_svg(workflow, rt),
        roles_text=lambda t: _roles_text(t, rt),
    )


@bp.route("/<code>.svg")
def svg(code: str) -> ResponseReturnValue:
    rt = _province(code)
    return Response(str(render_svg(rt.workflow, rt)), mimetype="image/svg+xml")
