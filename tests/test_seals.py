"""Sealed sign-offs and the decree date (core, both databases): the seal verifies, and stops
verifying once a stored amount is changed behind the application's back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from core.models import Activity, ActivityYear, Signoff, utcnow
from core.services import batch_signoff, seals
from core.testing import Harness
from core.timezones import local_date
from tests.helpers import lampung_payload

TO_SIGNOFF = ("submit", "approve", "confirm_budget")


def _ready(harness: Harness, title: str = "Pelatihan mediasi konflik", amount: int = 0) -> int:
    payload = lampung_payload(harness.plan_id(), title=title)
    if amount:
        payload["years"] = [{"year": 2023, "target": "60 orang", "proposed_budget": amount}]
    activity = harness.create("dpppa.staf", payload)
    harness.walk(activity.id, *TO_SIGNOFF)
    return activity.id


def test_a_single_sign_is_sealed_with_the_decree_date(harness: Harness) -> None:
    activity_id = _ready(harness)
    result = harness.walk(
        activity_id, "sign", decree_number="G/288/V.09/HK/2023", decree_date="2023-03-14"
    )[0]
    assert result.signoff_id is not None and result.signoff_code
    with harness.session() as s:
        activity = s.get(Activity, activity_id)
        assert activity is not None and activity.decree_date == dt.date(2023, 3, 14)
        record = s.get(Signoff, result.signoff_id)
        assert record is not None
        assert (record.decree_number, record.decree_date) == (
            "G/288/V.09/HK/2023",
            activity.decree_date,
        )
        assert record.activity_count == 1 and record.total == 150_000_000
        assert record.snapshot["activities"][0]["title"] == "Pelatihan mediasi konflik"
        check = seals.verify(s, record)
        assert check.valid and check.recomputed == record.digest


def test_the_decree_date_defaults_to_today_in_the_province(harness: Harness) -> None:
    activity_id = _ready(harness)
    harness.walk(activity_id, "sign", decree_number="G/1/V.09/HK/2023")
    with harness.session() as s:
        activity = s.get(Activity, activity_id)
        assert activity is not None
        assert activity.decree_date == local_date(utcnow(), "Asia/Jakarta")


def test_a_malformed_decree_date_is_refused_with_the_field(harness: Harness) -> None:
    from core.errors import RuleFailed

    activity_id = _ready(harness)
    try:
        harness.walk(
            activity_id, "sign", decree_number="G/1/V.09/HK/2023", decree_date="14/03/2023"
        )
    except RuleFailed as err:
        assert [v.field for v in err.violations] == ["decree_date"]
    else:
        raise AssertionError("accepted a malformed date")
    assert harness.state(activity_id) == "governor_signoff"


def test_a_non_signing_move_makes_no_seal(harness: Harness) -> None:
    _ready(harness)
    with harness.session() as s:
        assert s.execute(select(Signoff)).first() is None


def test_the_seal_fails_after_an_amount_is_altered_in_the_database(harness: Harness) -> None:
    ids = [_ready(harness, f"Kegiatan {n}", 100_000_000 + n) for n in range(3)]
    with harness.session() as s:
        items = batch_signoff(
            s,
            harness.registry,
            harness.actor("gubernur"),
            harness.plan_id(),
            ids,
            "G/300/V.09/HK/2023",
            dt.date(2023, 4, 1),
        )
        assert all(i.result is not None for i in items)
        assert items.signoff is not None
        signoff_id = items.signoff.id
    with harness.session() as s:
        record = s.get(Signoff, signoff_id)
        assert record is not None
        assert [link.activity_id for link in record.activities] == ids
        assert record.activity_count == 3 and record.total == 300_000_003
        assert seals.verify(s, record).valid
        assert s.execute(select(Signoff)).scalars().all() == [record]  # one seal per batch
        # Behind the application's back: one confirmed amount changed directly.
        s.execute(
            update(ActivityYear)
            .where(ActivityYear.activity_id == ids[1])
            .values(confirmed_budget=999_000_000)
        )
        s.commit()
    with harness.session() as s:
        record = s.get(Signoff, signoff_id)
        assert record is not None
        check = seals.verify(s, record)
        assert not check.valid and check.stored_intact
        assert check.recomputed != record.digest


def test_a_rewritten_snapshot_does_not_verify(harness: Harness) -> None:
    activity_id = _ready(harness)
    signoff_id = harness.walk(activity_id, "sign", decree_number="G/2/V.09/HK/2023")[0].signoff_id
    with harness.session() as s:
        record = s.get(Signoff, signoff_id)
        assert record is not None
        forged = dict(record.snapshot, total=1)
        s.execute(update(Signoff).where(Signoff.id == signoff_id).values(snapshot=forged))
        s.commit()
    with harness.session() as s:
        record = s.get(Signoff, signoff_id)
        assert record is not None and not seals.verify(s, record).stored_intact


def test_codes_are_found_however_they_are_typed(harness: Harness) -> None:
    activity_id = _ready(harness)
    code = harness.walk(activity_id, "sign", decree_number="G/3/V.09/HK/2023")[0].signoff_code
    assert code is not None
    with harness.session() as s:
        typed = code.replace("-", " ").lower()
        found = seals.by_code(s, typed)
        assert found is not None and found.code == code
        assert seals.by_code(s, "ZZZZ-ZZZZ") is None
