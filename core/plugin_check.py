"""``sepakat plugins check``: the consistency a province plugin owes the engine, checked without
a database — identity and plans, reference lists, roles, the workflow graph, demo data.

Each check returns ``Problem``s (a stable code, where, a message in Bahasa Indonesia) so the CLI
only prints them and tests can name what they expect.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core import timezones
from core.deadlines import PLANNING_KIND_LENGTH, report_kind
from core.plugins import ProvinceRuntime
from core.services.opds import SIPD_CODE, SIPD_UNITS
from core.types import (
    ActivityView,
    DemoActivity,
    DemoData,
    PlanInfo,
    ProvinceInfo,
    ReferenceData,
    RoleInfo,
)
from core.workflow import Gate, State, StateKind, Workflow
from core.workflow.gate import CONCUR, gate_problems

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
REFERENCE_CODE = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
REQUIRED_LISTS = ("opds", "pillars")
# Words that give away an English label. A heuristic, kept to words Indonesian officials do
# not borrow (so "Admin", "Auditor", "Reviu" or "Draf" pass).
# One string, not a list of names: these are English words, not the workflow's codes.
ENGLISH_WORDS = frozenset(
    """
    the and of for with to by waiting awaiting pending review reviewed approve approved approval
    submit submitted reject rejected return returned sign signed draft confirm confirmed budget
    legal clear cleared send back office agency department governor head staff women children
    child prevention handling empowerment participation other others
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Problem:
    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.where}] {self.message}"


def label_problems(where: str, code: str, label: str) -> list[Problem]:
    """A label is present, is not the code itself, and reads as Bahasa Indonesia."""
    if not label or not label.strip():
        return [Problem("label_empty", where, f"'{code}' tidak berlabel.")]
    if label == code or ("_" in label and " " not in label):
        return [Problem("label_is_code", where, f"Label '{label}' tampak seperti kode.")]
    english = sorted({w for w in re.findall(r"[a-z]+", label.lower()) if w in ENGLISH_WORDS})
    if english:
        return [
            Problem(
                "label_not_indonesian",
                where,
                f"Label '{label}' tampaknya berbahasa Inggris ({', '.join(english)}); "
                "tulis dalam Bahasa Indonesia.",
            )
        ]
    return []


def check_info(info: ProvinceInfo) -> list[Problem]:
    out: list[Problem] = []
    if not CODE_PATTERN.match(info.code):
        out.append(
            Problem(
                "province_code",
                "provinsi",
                f"Kode provinsi '{info.code}' harus huruf kecil, angka atau garis bawah.",
            )
        )
    if not info.name.strip():
        out.append(Problem("label_empty", "provinsi", "Nama provinsi kosong."))
    zone_problem = timezones.zone_problem(info.timezone)
    if zone_problem is not None:
        out.append(Problem("timezone", "provinsi", zone_problem))
    if not info.plans:
        out.append(Problem("plans_missing", "rencana", "Provinsi belum memiliki rencana aksi."))
    seen: set[str] = set()
    for plan in info.plans:
        where = f"rencana {plan.code}"
        if plan.code in seen:
            out.append(Problem("code_duplicate", where, "Kode rencana dipakai dua kali."))
        seen.add(plan.code)
        if plan.start_year > plan.end_year:
            out.append(
                Problem(
                    "plan_period",
                    where,
                    f"Tahun awal {plan.start_year} sesudah tahun akhir {plan.end_year}.",
                )
            )
        if not plan.title.strip() or not plan.decree_number.strip():
            out.append(Problem("label_empty", where, "Judul atau nomor keputusan kosong."))
    return out


def check_reference(reference: ReferenceData) -> list[Problem]:
    out: list[Problem] = []
    for name in REQUIRED_LISTS:
        if not reference.lists.get(name):
            out.append(Problem("list_missing", f"referensi {name}", "Daftar wajib kosong."))
    for name, items in reference.lists.items():
        where = f"referensi {name}"
        seen: set[str] = set()
        for item in items:
            if item.code in seen:
                out.append(
                    Problem("code_duplicate", where, f"Kode '{item.code}' dipakai dua kali.")
                )
            seen.add(item.code)
            if not REFERENCE_CODE.match(item.code):
                out.append(
                    Problem(
                        "code_format",
                        where,
                        f"Kode '{item.code}' harus huruf kecil, angka, titik, '-' atau '_'.",
                    )
                )
            out += label_problems(where, item.code, item.label)
    out += _sipd_unit_problems(reference)
    return out


def _sipd_unit_problems(reference: ReferenceData) -> list[Problem]:
    """The optional ``sipd_units`` list: each entry an OPD of ``opds``, each a SIPD unit code."""
    out: list[Problem] = []
    opds = reference.codes("opds")
    for item in reference.lists.get(SIPD_UNITS, []):
        where = f"referensi {SIPD_UNITS} {item.code}"
        if item.code not in opds:
            out.append(Problem("sipd_unit_unknown", where, "Bukan kode OPD dari daftar opds."))
        if not SIPD_CODE.fullmatch(item.label.strip()):
            text = f"'{item.label}' bukan kode unit SIPD (angka bertitik, mis. 2.08.0.00.0.00.01)."
            out.append(Problem("sipd_code_format", where, text))
    return out


def check_roles(roles: dict[str, RoleInfo]) -> list[Problem]:
    out: list[Problem] = []
    for role in roles.values():
        where = f"peran {role.code}"
        if role.scope not in ("opd", "province"):
            out.append(
                Problem("role_scope", where, f"Cakupan '{role.scope}' harus 'opd' atau 'province'.")
            )
        out += label_problems(where, role.code, role.label)
    return out


def _reachable(start: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(start)
    todo = list(seen)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def check_workflow(
    workflow: Workflow, roles: dict[str, RoleInfo], conditions: dict[str, Callable[..., bool]]
) -> list[Problem]:
    out: list[Problem] = []
    codes = [s.code for s in workflow.states]
    known = set(codes)
    finals = {s.code for s in workflow.states if s.final}
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        out.append(Problem("code_duplicate", f"status {code}", "Status didefinisikan dua kali."))
    start = workflow.codes(StateKind.DRAFTING)[:1]
    if not start:
        out.append(
            Problem("draft_missing", "alur", "Tidak ada status awal (status berjenis drafting).")
        )
    if not finals:
        out.append(Problem("final_missing", "alur", "Tidak ada status akhir."))
    for s in workflow.states:
        where = f"status {s.code}"
        out += label_problems(where, s.code, s.label)
        if s.gate is not None:
            out += _gate_problems(workflow, s, roles)
        if s.stage_role and s.stage_role not in roles:
            out.append(
                Problem(
                    "role_undefined", where, f"Peran tahap '{s.stage_role}' tidak didefinisikan."
                )
            )
    forward: dict[str, set[str]] = {}
    backward: dict[str, set[str]] = {}
    for t in workflow.transitions:
        where = f"transisi {t.action} {t.source}→{t.target}"
        for end in (t.source, t.target):
            if end not in known:
                out.append(Problem("state_unknown", where, f"Status '{end}' tidak ada."))
        if t.source in finals:
            out.append(Problem("final_has_exit", where, "Status akhir tidak boleh punya aksi."))
        if not t.roles and not workflow.is_engine_move(t):
            out.append(Problem("roles_missing", where, "Transisi tanpa peran pelaksana."))
        for role in t.roles:
            if role not in roles:
                out.append(
                    Problem(
                        "role_undefined",
                        where,
                        f"Peran '{role}' tidak didefinisikan (tambahkan lewat extra_roles).",
                    )
                )
        if t.when is not None and t.when not in conditions:
            out.append(
                Problem(
                    "condition_missing",
                    where,
                    f"Kondisi '{t.when}' tidak disediakan workflow_conditions.",
                )
            )
        out += label_problems(where, t.action, t.label)
        forward.setdefault(t.source, set()).add(t.target)
        backward.setdefault(t.target, set()).add(t.source)
    if start:
        reached = _reachable(set(start), forward)
        for code in codes:
            if code not in reached:
                text = f"Tidak terjangkau dari '{start[0]}'."
                out.append(Problem("state_unreachable", f"status {code}", text))
        if finals and not finals & reached:
            out.append(
                Problem("final_unreachable", "alur", "Tidak ada status akhir yang terjangkau.")
            )
    can_finish = _reachable(finals, backward)
    for code in codes:
        if code not in finals and code not in can_finish:
            out.append(
                Problem(
                    "dead_end", f"status {code}", "Dari status ini tidak ada jalan ke status akhir."
                )
            )
    return out


def _gate_problems(workflow: Workflow, state: State, roles: dict[str, RoleInfo]) -> list[Problem]:
    """A gate's declaration, its party role, and the moves it names (they must leave its
    state, and nobody may take them by hand)."""
    gate = state.gate
    assert gate is not None
    where = f"gerbang {state.code}"
    out = [Problem("gate_invalid", where, text) for text in gate_problems(gate)]
    if gate.role not in roles:
        out.append(Problem("role_undefined", where, f"Peran '{gate.role}' tidak didefinisikan."))
    for action in sorted(gate.engine_actions):
        moves = workflow.candidates(state.code, action)
        if not moves:
            text = f"Transisi '{action}' dari status ini tidak ada."
            out.append(Problem("gate_move_missing", where, text))
        elif any(t.roles for t in moves):
            text = f"Transisi '{action}' diambil mesin; jangan beri peran."
            out.append(Problem("gate_move_roles", where, text))
    return out


def check_demo(
    demo: DemoData, runtime_info: ProvinceInfo, reference: ReferenceData, runtime: ProvinceRuntime
) -> list[Problem]:
    out: list[Problem] = []
    opds = reference.codes("opds")
    roles = runtime.roles
    seen: set[str] = set()
    for user in demo.users:
        where = f"demo pengguna {user.username}"
        if user.username in seen:
            out.append(Problem("code_duplicate", where, "Nama pengguna dipakai dua kali."))
        seen.add(user.username)
        if user.role not in roles:
            out.append(Problem("role_undefined", where, f"Peran '{user.role}' tidak dikenal."))
        if user.opd is not None and user.opd not in opds:
            out.append(Problem("opd_unknown", where, f"OPD '{user.opd}' tidak ada di referensi."))
        if user.role in runtime.opd_roles and user.opd is None:
            out.append(Problem("opd_missing", where, f"Peran '{user.role}' memerlukan OPD."))
    for opd in demo.ceilings:
        if opd not in opds:
            out.append(
                Problem("opd_unknown", f"demo pagu {opd}", f"OPD '{opd}' tidak ada di referensi.")
            )
    pillars = reference.codes("pillars")
    plan = runtime_info.plans[0] if runtime_info.plans else None
    for activity in demo.activities:
        where = f"demo kegiatan '{activity.title}'"
        if activity.opd not in opds:
            out.append(Problem("opd_unknown", where, f"OPD '{activity.opd}' tidak dikenal."))
        if activity.pillar not in pillars:
            out.append(
                Problem("pillar_unknown", where, f"Pilar '{activity.pillar}' tidak dikenal.")
            )
        problems, state = _demo_path(activity, plan, runtime, demo, where)
        out += problems
        if activity.reports and not problems:
            out += _demo_reports(activity, state, plan, runtime, demo, where)
    return out


def _demo_reports(
    activity: DemoActivity,
    state: str,
    plan: PlanInfo | None,
    runtime: ProvinceRuntime,
    demo: DemoData,
    where: str,
) -> list[Problem]:
    """A demo activity's reports: on a signed activity only, each for one of its years and a
    declared period (once), along a path of the report workflow that demo users can take."""
    if runtime.workflow.kind(state) is not StateKind.APPROVED:
        text = "Laporan demo hanya untuk kegiatan yang jalurnya berakhir ditetapkan."
        return [Problem("demo_report", where, text)]
    out: list[Problem] = []
    years = {y for y, _, _ in activity.years}
    seen: set[tuple[int, str]] = set()
    workflow = runtime.report_workflow
    for report in activity.reports:
        at = f"{where}, laporan {report.year} {report.period}"
        periods = {p.code for p in runtime.reporting_periods(plan, report.year)} if plan else set()
        if report.year not in years or report.period not in periods:
            text = f"Tahun {report.year} atau periode '{report.period}' tidak ada pada kegiatan."
            out.append(Problem("demo_report", at, text))
        if (report.year, report.period) in seen:
            out.append(Problem("demo_report", at, "Periode ini dilaporkan dua kali."))
        seen.add((report.year, report.period))
        step = workflow.initial
        for action in report.path:
            t = next(iter(workflow.candidates(step, action)), None)
            if t is None:
                text = f"Aksi laporan '{action}' tidak tersedia dari status '{step}'."
                out.append(Problem("demo_report", at, text))
                break
            if not any(
                u.role in t.roles and (u.role not in runtime.opd_roles or u.opd == activity.opd)
                for u in demo.users
            ):
                text = f"Tidak ada pengguna demo yang dapat melakukan '{action}' pada laporan."
                out.append(Problem("demo_report", at, text))
                break
            step = t.target
    return out


def _demo_path(
    activity: DemoActivity,
    plan: PlanInfo | None,
    runtime: ProvinceRuntime,
    demo: DemoData,
    where: str,
) -> tuple[list[Problem], str]:
    """Follow the demo activity's path as the engine would (conditions included) and make sure
    a demo user holds the role of every step; the problems, and the state the path ends in."""
    state = runtime.workflow.initial
    for action in activity.path:
        view = ActivityView(
            id=None,
            province=runtime.code,
            plan_id=0,
            opd=activity.opd,
            title=activity.title,
            pillar=activity.pillar,
            details=activity.details,
            years=tuple(
                {"year": y, "target": t, "proposed_budget": b} for y, t, b in activity.years
            ),
            state=state,
            revision_round=0,
            submitted_by_id=None,
            plan_start_year=plan.start_year if plan else 0,
            plan_end_year=plan.end_year if plan else 0,
        )
        gate = runtime.workflow.gate(state)
        if gate is not None and action in gate.decision_actions:
            # Every party decides (core.seed does the same): the gate's own move follows.
            missing = _demo_gate_gap(gate, view, demo)
            if missing:
                return [Problem("demo_path", where, missing)], state
            concurs = gate.decision_actions[action] == CONCUR
            action = (gate.passes if concurs else gate.objects) or ""
        t = runtime.workflow.resolve(state, action, view, runtime.conditions)
        if t is None:
            text = f"Aksi '{action}' tidak tersedia dari status '{state}'."
            return [Problem("demo_path", where, text)], state
        holders = [
            u
            for u in demo.users
            if runtime.workflow.is_engine_move(t)
            or (u.role in t.roles and (u.role not in runtime.opd_roles or u.opd == activity.opd))
        ]
        if not holders:
            text = (
                f"Tidak ada pengguna demo yang dapat melakukan '{action}' "
                f"(peran {', '.join(t.roles)})."
            )
            return [Problem("demo_path", where, text)], state
        state = t.target
    return [], state


def _demo_gate_gap(gate: Gate, view: ActivityView, demo: DemoData) -> str | None:
    """Why the demo users cannot decide ``gate`` for the activity (None: they can)."""
    if gate.per_holder:
        holders = [u for u in demo.users if u.role == gate.role]
        if len(holders) < max(1, gate.needed(len(holders))):
            return f"Pengguna demo berperan '{gate.role}' tidak cukup untuk gerbang."
        return None
    for code in gate.partner_opds(view):
        if not any(u.role == gate.role and u.opd == code for u in demo.users):
            return f"Tidak ada pengguna demo Kepala OPD untuk OPD mitra '{code}'."
    return None


def check_province(runtime: ProvinceRuntime) -> list[Problem]:
    """Every problem of the province's plugin (empty when it is consistent)."""
    sections: list[tuple[str, Callable[[], list[Problem]]]] = [
        ("provinsi", lambda: check_info(runtime.info)),
        ("referensi", lambda: check_reference(runtime.reference)),
        ("peran", lambda: check_roles(runtime.roles)),
        ("alur", lambda: check_workflow(runtime.workflow, runtime.roles, runtime.conditions)),
        ("formulir", lambda: _check_schema(runtime)),
        ("demo", lambda: _check_demo(runtime)),
        ("periode", lambda: check_period_codes(runtime)),
    ]
    out: list[Problem] = []
    for where, section in sections:
        try:
            out += section()
        except Exception as err:  # a plugin's hook that raises is itself the problem found
            out.append(Problem("hook_failed", where, f"Hook gagal: {type(err).__name__}: {err}"))
    return out


def check_period_codes(runtime: ProvinceRuntime) -> list[Problem]:
    """Each reporting period's code fits its planning-calendar kind (``report_<code>``, stored
    in 20 characters), so the admin can move its due date."""
    out: list[Problem] = []
    for plan in runtime.info.plans:
        for p in runtime.reporting_periods(plan, plan.start_year):
            if len(report_kind(p.code)) > PLANNING_KIND_LENGTH:
                text = f"Kode periode '{p.code}' terlalu panjang (paling banyak 13 karakter)."
                out.append(Problem("period_code_too_long", "periode", text))
    return out


def _check_schema(runtime: ProvinceRuntime) -> list[Problem]:
    runtime.details_schema  # noqa: B018 - instantiating the schema is the check
    return []


def _check_demo(runtime: ProvinceRuntime) -> list[Problem]:
    demo = runtime.pm.hook.demo_data()
    return [] if demo is None else check_demo(demo, runtime.info, runtime.reference, runtime)
