"""The workflow of each province as an SVG drawn from its ``Workflow`` definition, so stages a
plugin adds (Lampung's ``kesbangpol_review``) appear without anyone editing a picture.

Layout: the forward route runs down one column in the order the states are defined (plugins
insert their stages in place); the states that ``return``/``reject`` lead to sit in a side
column. A route that skips a stage bends round the left. Every arrow carries the numbers of its
transitions in the list under the diagram (the table a screen reader reads), where each one's
condition is in words ("jika ada OPD mitra", from the province's ``Condition`` labels; "selain
itu" for the route taken otherwise); an arrow between neighbours also says its label beside it.
The version reads as its number among the versions used and the day it was first used.
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
from core.workflow_migration import ACTIVITIES, REPORTS, stored_versions
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.formatting import tanggal
from web.ui.layout import registry
from web.ui.messages import translate

bp = ui_blueprint("diagram", __name__, "/alur")

WIDTH = 560
MAIN_X, MAIN_W = 76, 230
SIDE_X, SIDE_W = 400, 150
BOX_H, GAP, LINE = 46, 58, 15
BEND = 18  # how far apart the routes that skip a stage bend round the left
LABEL_CHARS = 15  # a forward arrow's words stay left of the side column's arrows
# Boxes and arrows by what they are: forward, sent back (for revision), refused (for good).
FILL = {"final": "#e3f4e8", "back": "#fff1d6", "refused": "#fde2e2", "normal": "#e8f0fb"}
STROKE = {"forward": "#1d4f91", "back": "#9a5b00", "refused": "#b42318", "resubmit": "#1f6f43"}


@dataclass(frozen=True)
class Box:
    state: State
    x: int
    y: int
    w: int
    lines: tuple[str, ...]

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def h(self) -> int:
        return max(BOX_H, LINE * len(self.lines) + 16)

    @property
    def cy(self) -> int:
        return self.y + self.h // 2


@dataclass(frozen=True)
class Step:
    """One transition as the page lists it: its number (on its arrow), and its condition in
    words."""

    number: int
    transition: Transition
    condition: str  # "" when it has none


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
        f'<tspan x="{x}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}" class="{cls}">{spans}</text>'


def gate_rule(gate: Gate) -> str:
    """A gate's rule as the reader's language says it (the diagram, the activity, the queue)."""
    if gate.rule == "quorum":
        return _("minimal %(k)s pihak setuju", k=gate.quorum)
    return _("semua pihak setuju")


def condition_text(t: Transition, workflow: Workflow, runtime: ProvinceRuntime) -> str:
    """When ``t`` is taken, in words: "jika <the condition's label>" for a conditional route,
    "selain itu" for the unconditional one beside conditional routes of the same action."""
    if t.when:
        label = runtime.condition_label(t.when)
        if label is None:  # a plain predicate: the province gave no words, only its name
            return _("jika syarat “%(name)s” terpenuhi", name=t.when)
        return _("jika %(condition)s", condition=translate(label))
    if any(o.when for o in workflow.candidates(t.source, t.action)):
        return _("selain itu")
    return ""


def steps(workflow: Workflow, runtime: ProvinceRuntime) -> list[Step]:
    return [
        Step(i, t, condition_text(t, workflow, runtime))
        for i, t in enumerate(workflow.transitions, 1)
    ]


def guards_text(step: Step) -> str:
    """The list's *Syarat* column: the condition and the guards, in words."""
    t = step.transition
    parts = [step.condition] if step.condition else []
    if t.comment_required:
        parts.append(_("catatan wajib"))
    if t.four_eyes:
        parts.append(_("bukan oleh pengaju"))
    return "; ".join(parts)


def _state_lines(state: State, width: int) -> tuple[str, ...]:
    lines = _wrap(translate(state.label), width)
    if state.gate is not None:  # parties decide in parallel: a double frame and the rule
        lines += _wrap(f"{translate(state.gate.label)}:", 30) + _wrap(gate_rule(state.gate), 30)
    return tuple(lines)


def _arrow_words(step: Step) -> list[str]:
    """What a forward arrow between neighbours says beside it: its action and condition."""
    words = _wrap(translate(step.transition.label), LABEL_CHARS)
    if step.condition:
        words += _wrap(step.condition, LABEL_CHARS)
    return words


def layout(workflow: Workflow, listed: list[Step]) -> tuple[dict[str, Box], set[str]]:
    """Boxes grow with their lines; the gap below a main box with the words of the arrow
    that leaves it for the next one."""
    side = {t.target for t in workflow.transitions if workflow.is_setback(t)}
    boxes: dict[str, Box] = {}
    main = [s for s in workflow.states if s.code not in side]
    y = 20
    for i, s in enumerate(main):
        box = Box(s, MAIN_X, y, MAIN_W, _state_lines(s, 26))
        boxes[s.code] = box
        following = main[i + 1].code if i + 1 < len(main) else None
        words = max(
            (
                len(_arrow_words(st))
                for st in listed
                if st.transition.source == s.code and st.transition.target == following
            ),
            default=0,
        )
        y += box.h + max(GAP, LINE * words + 14)
    next_free = 0
    for s in workflow.states:
        if s.code not in side:
            continue
        sources = [boxes[t.source].y for t in workflow.transitions if t.target == s.code]
        top = max(sum(sources) // max(len(sources), 1), next_free)
        boxes[s.code] = Box(s, SIDE_X, top, SIDE_W, _state_lines(s, 17))
        next_free = top + boxes[s.code].h + 30
    return boxes, side


def _roles_text(t: Transition, runtime: ProvinceRuntime) -> str:
    if not t.roles:  # a gate's own move: the engine takes it when the parties have decided
        return _("otomatis")
    return ", ".join(
        translate(runtime.roles[r].label) if r in runtime.roles else r for r in t.roles
    )


def _badge(x: float, y: float, numbers: list[int]) -> str:
    """The arrow's numbers, keyed to the list of steps under the diagram."""
    label = ",".join(str(n) for n in numbers)
    r = 9 if len(label) == 1 else 4 + 4 * len(label)
    return (
        f'<g class="n"><rect x="{x - r:.0f}" y="{y - 9:.0f}" width="{2 * r}" height="18" '
        f'rx="9"/><text x="{x:.0f}" y="{y + 4:.0f}" text-anchor="middle">{label}</text></g>'
    )


def render_svg(workflow: Workflow, runtime: ProvinceRuntime, version_text: str) -> Markup:
    listed = steps(workflow, runtime)
    boxes, side = layout(workflow, listed)
    height = max(b.y + b.h for b in boxes.values()) + 30
    arrows: dict[tuple[str, str], list[Step]] = {}
    for st in listed:
        t = st.transition
        if t.source in boxes and t.target in boxes:
            arrows.setdefault((t.source, t.target), []).append(st)
    parts: list[str] = []
    badges: list[str] = []
    skips = 0
    for (source, target), group in arrows.items():
        a, b = boxes[source], boxes[target]
        numbers = [st.number for st in group]
        title = "<title>{}</title>".format(
            escape(
                "; ".join(
                    f"{st.number}. {translate(st.transition.label)} "
                    f"({_roles_text(st.transition, runtime)})"
                    + (f", {st.condition}" if st.condition else "")
                    for st in group
                )
            )
        )
        if target in side:
            kind = "refused" if b.state.final else "back"
            x1, y1, x2, y2 = a.x + a.w, a.cy, b.x, b.cy
            parts.append(
                f'<path d="M{x1},{y1} L{x2},{y2}" class="e {kind}" '
                f'marker-end="url(#m-{kind})">{title}</path>'
            )
            badges.append(_badge(x1 + 0.3 * (x2 - x1), y1 + 0.3 * (y2 - y1), numbers))
        elif source in side:
            x1, y1, x2, y2 = a.x, a.y + a.h - 8, b.x + b.w, b.cy
            parts.append(
                f'<path d="M{x1},{y1} L{x2},{y2}" class="e resubmit" '
                f'marker-end="url(#m-resubmit)">{title}</path>'
            )
            badges.append(_badge(x1 + 0.5 * (x2 - x1), y1 + 0.5 * (y2 - y1), numbers))
        elif b.y > a.y and not any(a.y < o.y < b.y for o in boxes.values() if o.x == MAIN_X):
            x, top, bottom = a.cx, a.y + a.h, b.y
            parts.append(
                f'<path d="M{x},{top} L{x},{bottom}" class="e forward" '
                f'marker-end="url(#m-forward)">{title}</path>'
            )
            mid = (top + bottom) // 2
            badges.append(_badge(x, mid, numbers))
            words = [w for st in group for w in _arrow_words(st)]
            parts.append(_text(x + 16, mid + 5 - 7 * (len(words) - 1), words, "el", "start"))
        else:  # skips a stage (or goes up): bends round the left, numbered at its far point
            skips += 1
            bend = MAIN_X - BEND * skips
            y1, y2 = a.cy, b.cy
            path = f"M{a.x},{y1} C{bend},{y1} {bend},{y2} {b.x},{y2}"
            parts.append(
                f'<path d="{path}" class="e forward" marker-end="url(#m-forward)">{title}</path>'
            )
            # the curve's far point (t = 1/2 of the cubic): 3/4 of the way to the bend
            badges.append(_badge(a.x + 0.75 * (bend - a.x), (y1 + y2) / 2, numbers))
    for box in boxes.values():
        kind = _kind(box.state, side)
        top = box.cy + 5 - 7 * (len(box.lines) - 1)
        frame = (
            f'<rect x="{box.x + 4}" y="{box.y + 4}" width="{box.w - 8}" height="{box.h - 8}" '
            f'rx="6" fill="none" class="gate"/>'
            if box.state.gate is not None
            else ""
        )
        parts.append(
            f'<g class="s {kind}"><rect x="{box.x}" y="{box.y}" width="{box.w}" '
            f'height="{box.h}" rx="8" fill="{FILL[kind]}"/>{frame}'
            + _text(box.cx, top, box.lines, "sl")
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
        ".el{font:13px system-ui,sans-serif;fill:#1d2a3a}"
        ".n rect{fill:#fff;stroke:#33415c;stroke-width:1.2}"
        ".n text{font:700 11px system-ui,sans-serif;fill:#111}</style>"
    )
    name = runtime.info.name
    title = _("Alur kerja %(province)s, %(version)s", province=name, version=version_text)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="wf-title" class="workflow-diagram">'
        f'<title id="wf-title">{escape(title)}</title>'
        f"{style}<defs>{markers}</defs>{''.join(parts)}{''.join(badges)}</svg>"
    )


def version_text(runtime: ProvinceRuntime, workflow: Workflow) -> str:
    """ "Versi 3 · 12 November 2026": the version's place among those this database has used
    (oldest first) and the day it was first used, in the province's zone."""
    reports = workflow.subject == REPORTS.code  # the progress reports' route: its own versions
    stored = stored_versions(session(), runtime, REPORTS if reports else ACTIVITIES)
    number = next(i for i, v in enumerate(stored, 1) if v.version == workflow.version)
    if stored[number - 1].created_at is None:
        if reports:
            return _("Versi %(n)s · belum dipakai laporan mana pun", n=number)
        return _("Versi %(n)s · belum dipakai kegiatan mana pun", n=number)
    day = tanggal(stored[number - 1].created_at, runtime.info.timezone)
    return _("Versi %(n)s · %(date)s", n=number, date=day)


def _province(code: str | None) -> ProvinceRuntime:
    """The viewer's own province; any other is a 404, as the API answers for
    ``/provinces/{code}/workflow`` (another province's route is its data, not ours to show)."""
    reg = registry()
    own = current_actor().province_code
    code = code or own
    if code != own or code not in reg:
        abort(404)
    return reg.get(code)


def _page(rt: ProvinceRuntime, workflow: Workflow) -> ResponseReturnValue:
    """The route of either workflow type (an activity's, or a progress report's): its diagram
    and the numbered list of its moves."""
    version = version_text(rt, workflow)
    return render_template(
        "ui/workflow.html",
        runtime=rt,
        provinces=[rt],
        workflow=workflow,
        reports=workflow.subject == REPORTS.code,
        heading=_("Alur laporan realisasi")
        if workflow.subject == REPORTS.code
        else _("Alur kerja"),
        version=version,
        steps=steps(workflow, rt),
        svg=render_svg(workflow, rt, version),
        roles_text=lambda t: _roles_text(t, rt),
        guards_text=guards_text,
    )


@bp.route("/")
def index() -> ResponseReturnValue:
    rt = _province(request.args.get("provinsi"))
    return _page(rt, rt.workflow)


@bp.route("/laporan")
def reports_index() -> ResponseReturnValue:
    """The progress reports' route (issue 14: the engine's second workflow type)."""
    rt = _province(request.args.get("provinsi"))
    return _page(rt, rt.report_workflow)


def _svg(rt: ProvinceRuntime, workflow: Workflow) -> ResponseReturnValue:
    svg = render_svg(workflow, rt, version_text(rt, workflow))
    return Response(str(svg), mimetype="image/svg+xml")


@bp.route("/<code>.svg")
def svg(code: str) -> ResponseReturnValue:
    rt = _province(code)
    return _svg(rt, rt.workflow)


@bp.route("/laporan/<code>.svg")
def reports_svg(code: str) -> ResponseReturnValue:
    rt = _province(code)
    return _svg(rt, rt.report_workflow)
