"""The floor of the tallies: the same aggregates as raw SQL through the DB driver."""

from __future__ import annotations


def tally_sql(dialect: str, first: int, last: int) -> list[str]:
    """The statements that compute what `tallies.tally_report` returns (ints inlined)."""
    if dialect == "postgresql":

        def day(y):
            return f"DATE '{y}-12-31'"

        year_of = "EXTRACT(YEAR FROM c.start_on)"
    else:

        def day(y):
            return f"'{y}-12-31'"

        year_of = "CAST(strftime('%Y', c.start_on) AS INTEGER)"
    period = f"p.year BETWEEN {first} AND {last}"
    done = "i.status IN ('conducted', 'concluded')"
    ends = " UNION ALL ".join(
        f"SELECT {y} AS year, {day(y)} AS day" for y in range(first, last + 1)
    )
    return [
        "SELECT p.year, i.mode, a.level, i.status, i.conclusion, count(*) FROM inspections i "
        "JOIN inspection_plans p ON p.id = i.plan_id JOIN agencies a ON a.id = i.agency_id "
        f"WHERE {period} GROUP BY p.year, i.mode, a.level, i.status, i.conclusion",
        "SELECT p.year, f.severity, coalesce(nullif(trim(f.requirement), ''), ci.code, ''), "
        "count(*) FROM findings f JOIN inspections i ON i.id = f.inspection_id "
        "JOIN inspection_plans p ON p.id = i.plan_id "
        "LEFT JOIN checklist_items ci ON ci.id = f.item_id "
        f"WHERE {period} AND {done} "
        "GROUP BY p.year, f.severity, coalesce(nullif(trim(f.requirement), ''), ci.code, '')",
        "SELECT e.year, a.level, count(DISTINCT a.id), count(DISTINCT c.agency_id) "
        f"FROM ({ends}) e "
        "JOIN agencies a ON (a.active_from IS NULL OR a.active_from <= e.day) "
        "AND (a.active_to IS NULL OR a.active_to >= e.day) "
        "LEFT JOIN conformity_announcements c ON c.agency_id = a.id "
        "AND c.status = 'acknowledged' AND c.announced_on <= e.day GROUP BY e.year, a.level",
        f"SELECT {year_of}, c.kind, count(*), sum(t.people), sum(t.present) "
        "FROM training_courses c LEFT JOIN (SELECT course_id, count(*) AS people, "
        "sum(CASE WHEN attended THEN 1 ELSE 0 END) AS present FROM training_participants "
        "GROUP BY course_id) t ON t.course_id = c.id "
        f"WHERE c.start_on >= '{first}-01-01' AND c.start_on <= '{last}-12-31' "
        f"GROUP BY {year_of}, c.kind",
    ]


def run_floor(engine, first: int, last: int) -> int:
    """Run the statements on a raw DB-API connection; returns the rows fetched."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        fetched = 0
        for statement in tally_sql(engine.dialect.name, first, last):
            cursor.execute(statement)
            fetched += len(cursor.fetchall())
        raw.rollback()
        return fetched
    finally:
        raw.close()
