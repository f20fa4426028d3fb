"""Regulation-change tracker (5.11): stale and missing processes, notices, refusals, report."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    IsoProcess,
    LegalChange,
    LegalDocument,
    Notification,
    ProcessVersion,
    RegulationNotice,
)
from inspect_app.services import regulations
from inspect_app.services.regulations import DocumentData
from tests.regulation_world import document, process

TODAY = date(2026, 12, 3)


def stale_set(on=TODAY, **kwargs):
    return {
        (s.process.agency.code, s.process.code) for s in regulations.stale_processes(on, **kwargs)
    }


@pytest.fixture
def province(make_agency):
    """Four agencies whose processes cite QĐ 599 (amended later), NĐ 34, or both."""
    agencies = [make_agency(code=f"SO-{n}") for n in range(4)]
    decree = document("34/2016/NĐ-CP", date(2016, 5, 14), date(2016, 7, 1))
    plan = document("599/QĐ-UBND", date(2019, 4, 26))
    other = document("903/QĐ-UBND", date(2018, 6, 7))
    process(agencies[0], "QT-01", date(2019, 6, 1), plan, decree)
    process(agencies[0], "QT-02", date(2019, 6, 1), decree)
    process(agencies[1], "QT-01", date(2019, 8, 1), plan)
    process(agencies[2], "QT-07", date(2020, 9, 1), plan)  # already after the amendment
    process(agencies[3], "QT-01", date(2019, 1, 1), other)
    return {"agencies": agencies, "decree": decree, "plan": plan, "other": other}


def test_an_amendment_makes_exactly_the_citing_older_processes_stale(province):
    assert stale_set() == set()

    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])

    assert stale_set() == {("SO-0", "QT-01"), ("SO-1", "QT-01")}
    stale = regulations.stale_processes(TODAY, agency_id=province["agencies"][0].id)
    assert len(stale) == 1
    record = stale[0].as_json()
    assert record["stale_since"] == "2020-07-03"
    assert record["due_on"] == (date(2020, 7, 3) + timedelta(days=90)).isoformat()
    assert record["overdue"] is True
    assert record["because"] == [
        {
            "number": "599/QĐ-UBND",
            "changed_by": "971/QĐ-UBND",
            "change": "amended",
            "effective": "2020-07-03",
        }
    ]


def test_a_change_counts_only_from_its_effective_date(province):
    document("154/2020/NĐ-CP", date(2020, 12, 31), date(2021, 1, 1), amends=["34/2016/NĐ-CP"])

    assert stale_set(on=date(2020, 12, 31)) == set()
    assert stale_set(on=date(2021, 1, 1)) == {("SO-0", "QT-01"), ("SO-0", "QT-02")}


def test_a_new_version_on_or_after_the_change_clears_it(province):
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    stale_process = db.session.scalar(
        select(IsoProcess).where(
            IsoProcess.agency_id == province["agencies"][1].id, IsoProcess.code == "QT-01"
        )
    )

    regulations.record_version(stale_process, issued_on=date(2020, 7, 3), number="02")
    db.session.commit()

    assert stale_set() == {("SO-0", "QT-01")}
    assert [v.issued_on for v in stale_process.versions] == [date(2020, 7, 3), date(2019, 8, 1)]


def test_the_earliest_change_after_the_version_is_stale_since(province):
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    document("154/2020/NĐ-CP", date(2020, 12, 31), date(2021, 1, 1), amends=["34/2016/NĐ-CP"])
    [first] = regulations.stale_processes(TODAY, agency_id=province["agencies"][0].id)[:1]

    assert first.stale_since == date(2020, 7, 3)
    assert [b["changed_by"] for b in first.because] == ["971/QĐ-UBND", "154/2020/NĐ-CP"]

    regulations.record_version(first.process, issued_on=date(2020, 8, 1))
    db.session.commit()
    [again] = regulations.stale_processes(TODAY, agency_id=province["agencies"][0].id)[:1]
    assert again.stale_since == date(2021, 1, 1)


def test_update_days_come_from_the_setting(app, province):
    app.config["PROCESS_UPDATE_DAYS"] = 30
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])

    assert regulations.stale_processes(TODAY)[0].due_on == date(2020, 8, 2)


def test_counts_per_agency_for_the_plan_proposal(province):
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    first, second = province["agencies"][:2]

    counts = regulations.stale_counts_by_agency(TODAY)

    assert counts == {first.id: {"stale": 1, "overdue": 1}, second.id: {"stale": 1, "overdue": 1}}
    assert regulations.stale_counts_by_agency(date(2020, 7, 10)) == {
        first.id: {"stale": 1, "overdue": 0},
        second.id: {"stale": 1, "overdue": 0},
    }


def test_each_affected_agency_is_told_once_with_the_list_and_the_due_date(province):
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])

    notices = regulations.notify_stale(TODAY)
    db.session.commit()
    again = regulations.notify_stale(TODAY)

    assert again == []
    assert sorted(n.agency_id for n in notices) == sorted(a.id for a in province["agencies"][:2])
    message = db.session.scalar(
        select(Notification.message).where(Notification.agency_id == province["agencies"][0].id)
    )
    assert "971/QĐ-UBND" in message and "QT-01" in message and "01/10/2020" in message
    assert db.session.scalar(select(func.count()).select_from(RegulationNotice)) == 2


def test_a_change_recorded_before_it_takes_effect_is_told_on_that_day(province):
    document("972/QĐ-UBND", date(2026, 12, 1), date(2027, 1, 1), amends=["903/QĐ-UBND"])

    assert regulations.notify_stale(TODAY) == []
    assert len(regulations.notify_stale(date(2027, 1, 1))) == 1


def test_missing_processes_are_tttc_no_process_covers(make_agency):
    agency = make_agency(code="SO-KHCN")
    decision = document("2093/QĐ-UBND", date(2018, 11, 23))
    regulations.add_procedures(
        decision, agency, [("TĐC", "Đăng ký công bố hợp chuẩn"), ("ATBX", "Cấp giấy phép")]
    )
    process(agency, "QT-05", date(2019, 1, 2), decision, procedure="Đăng ký công bố hợp chuẩn")

    missing = regulations.missing_procedures(TODAY)

    assert [m.name for m in missing] == ["Cấp giấy phép"]
    assert regulations.missing_counts_by_agency(TODAY) == {agency.id: 1}
    document("9999/QĐ-UBND", date(2020, 1, 1), replaces=["2093/QĐ-UBND"])
    assert regulations.missing_procedures(TODAY) == []


def data(number, signed_on, effective_on=None, **fields):
    return DocumentData(
        number=number,
        summary=fields.pop("summary", "Trích yếu"),
        signed_on=signed_on,
        effective_on=effective_on or signed_on,
        **fields,
    )


def test_a_document_cannot_replace_itself(app):
    with pytest.raises(DomainError, match="chính nó"):
        regulations.save_document(None, data("1/QĐ-UBND", date(2020, 1, 1), replaces=["1/qđ-ubnd"]))
    assert db.session.scalar(select(func.count()).select_from(LegalDocument)) == 0


def test_a_cycle_of_replacements_is_refused_and_nothing_written(app):
    document("1/QĐ-UBND", date(2020, 1, 1))
    document("2/QĐ-UBND", date(2020, 2, 1), replaces=["1/QĐ-UBND"])
    document("3/QĐ-UBND", date(2020, 3, 1), amends=["2/QĐ-UBND"])
    first = regulations.find_document("1/QĐ-UBND")

    with pytest.raises(DomainError, match="vòng"):
        regulations.save_document(first, data("1/QĐ-UBND", date(2020, 1, 1), amends=["3/QĐ-UBND"]))
    db.session.rollback()

    assert regulations.find_document("1/QĐ-UBND").changes == []


def test_effective_before_signing_is_refused(app):
    with pytest.raises(DomainError, match="Ngày hiệu lực"):
        regulations.save_document(None, data("1/QĐ-UBND", date(2020, 5, 1), date(2020, 4, 1)))


def test_a_version_older_than_the_current_one_is_refused(province):
    row = db.session.scalar(select(IsoProcess).where(IsoProcess.code == "QT-07"))

    with pytest.raises(DomainError, match="không mới hơn"):
        regulations.record_version(row, issued_on=date(2020, 9, 1))
    with pytest.raises(DomainError, match="không mới hơn"):
        regulations.record_version(row, issued_on=date(2020, 1, 1))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == 5


def test_unknown_legal_basis_is_refused(app):
    with pytest.raises(DomainError, match="99/QĐ-UBND"):
        regulations.resolve_bases(["99/QĐ-UBND"])


def test_lineage_walks_both_ways(app):
    document("1/QĐ-UBND", date(2020, 1, 1))
    middle = document("2/QĐ-UBND", date(2020, 2, 1), replaces=["1/QĐ-UBND"])
    document("3/QĐ-UBND", date(2020, 3, 1), amends=["2/QĐ-UBND"])

    tree = regulations.lineage(middle)

    assert [(d, c.target.number, c.change) for d, c in tree["earlier"]] == [
        (0, "1/QĐ-UBND", LegalChange.REPLACED)
    ]
    assert [(d, c.document.number) for d, c in tree["later"]] == [(0, "3/QĐ-UBND")]
    assert regulations.in_force(middle, TODAY)
    assert not regulations.in_force(regulations.find_document("1/QĐ-UBND"), TODAY)


def test_change_impacts_and_yearly_figures(province):
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    late = db.session.scalar(
        select(IsoProcess).where(
            IsoProcess.agency_id == province["agencies"][1].id, IsoProcess.code == "QT-01"
        )
    )
    regulations.record_version(late, issued_on=date(2021, 2, 1))
    db.session.commit()

    [impact] = regulations.change_impacts(TODAY)
    assert (impact.stale, impact.agencies, impact.updated, impact.still_stale) == (2, 2, 1, 1)
    figures = {f.year: f for f in regulations.yearly_figures(2019, 2021, TODAY)}
    assert figures[2020].changes == 1
    assert figures[2020].made_stale == 2
    assert (figures[2021].on_time, figures[2021].late) == (0, 1)
    assert figures[2020].agencies_overdue == 2  # due 01/10/2020, nobody updated by 31/12
    assert figures[2021].agencies_overdue == 1
    paragraph = regulations.limitation_paragraph(list(figures.values()))
    assert "thường xuyên thay đổi" in paragraph and "2 quy trình" in paragraph


def test_the_tally_workbook_counts_changes_per_year(province):
    import io

    from openpyxl import load_workbook

    from inspect_app.services.workbooks import tally_export

    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])

    book = load_workbook(io.BytesIO(tally_export.tally_workbook(2019, 2021)), read_only=True)
    rows = [tuple(r) for r in book["Văn bản pháp luật"].iter_rows(min_row=2, values_only=True)]

    assert rows == [(2019, 0, 0, 0, 0, 0), (2020, 1, 2, 0, 0, 2), (2021, 0, 0, 0, 0, 2)]


def test_the_kept_column_agrees_with_the_definition_through_random_changes(app, make_agency):
    """stale_rows (the indexed column) == derived_stale_rows (the joins) after any sequence
    of documents, amendments, processes and versions, on any day."""
    import random

    rng = random.Random(5)
    agencies = [make_agency() for _ in range(3)]
    docs = [document(f"{n}/QĐ-T", date(2015, 1, 1) + timedelta(days=90 * n)) for n in range(6)]
    processes = []
    for step in range(60):
        action = rng.random()
        day = date(2016, 1, 1) + timedelta(days=rng.randrange(0, 3000))
        if action < 0.35 or not processes:
            bases = rng.sample(docs, rng.randrange(1, 3))
            processes.append(process(rng.choice(agencies), f"QT-{step}", day, *bases))
        elif action < 0.6:
            target = rng.choice(docs)
            new = (
                document(f"{100 + step}/QĐ-T", day, amends=[target.number])
                if day >= target.signed_on
                else None
            )
            if new is not None:
                docs.append(new)
        else:
            row = rng.choice(processes)
            if day > row.version_date:
                regulations.record_version(row, issued_on=day, bases=rng.sample(docs, 2))
                db.session.commit()
        on = date(2016, 1, 1) + timedelta(days=rng.randrange(0, 3600))
        kept = set(db.session.execute(regulations.stale_rows(on)).all())
        derived = set(db.session.execute(regulations.derived_stale_rows(on)).all())
        assert kept == derived, (step, on)
