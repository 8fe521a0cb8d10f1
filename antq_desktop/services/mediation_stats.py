"""Figures of the mediation area for its forms: a team's continuous book and its part for a
year (Part I, the cases; Part II, the leader's summary by mediator) and the ward's yearly
outcomes per team and type (docs/DOMAIN.md §3, §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..db.engine import Database
from ..db.models import (
    Area,
    MediationCase,
    MediationCaseMediator,
    MediationParty,
    MediationTeam,
    Mediator,
)
from ..enums import MediationStatus, MediationType, Sex
from .mediation import PartyData, join_names

S = MediationStatus


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


@dataclass
class OutcomeRow:
    """Cases received in the year by one team (or one type, or the ward) and where they stood
    at the year's end: every received case is in exactly one of the five outcomes."""

    label: str
    received: int = 0
    succeeded: int = 0
    failed: int = 0
    stopped: int = 0
    referred: int = 0
    in_progress: int = 0
    by_type: dict[MediationType, int] = field(
        default_factory=lambda: {t: 0 for t in MediationType})

    OUTCOMES = ("succeeded", "failed", "stopped", "referred", "in_progress")

    def count(self, case_type: MediationType, status: MediationStatus) -> None:
        self.received += 1
        self.by_type[case_type] += 1
        name = {S.SUCCEEDED: "succeeded", S.FAILED: "failed", S.STOPPED: "stopped",
                S.REFERRED: "referred", S.IN_PROGRESS: "in_progress"}[status]
        setattr(self, name, getattr(self, name) + 1)

    def add(self, other: OutcomeRow) -> None:
        for name in ("received", *self.OUTCOMES):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for t, n in other.by_type.items():
            self.by_type[t] += n

    @property
    def outcomes(self) -> list[int]:
        return [getattr(self, name) for name in self.OUTCOMES]

    @property
    def success_rate(self) -> float | None:
        """Succeeded cases as a percentage of the cases received, or None when none were."""
        return 100 * self.succeeded / self.received if self.received else None


@dataclass
class YearOutcomes:
    year: int
    cutoff: date  # outcomes as they stood on this day: the year's end, or today
    teams: list[OutcomeRow] = field(default_factory=list)
    by_type: dict[MediationType, OutcomeRow] = field(default_factory=dict)
    total: OutcomeRow = field(default_factory=lambda: OutcomeRow("Tổng cộng"))
    team_count: int = 0  # teams of the active areas
    mediators: int = 0  # serving on the cutoff day
    women: int = 0
    # received in the year but closed after the cutoff day (e.g. referred in January): counted
    # as "đang hòa giải" here, which the form says in a note
    closed_later: int = 0


def status_on(status: MediationStatus, closed_on: date | None, on: date) -> MediationStatus:
    """Where a case stood on ``on``: its recorded result if it was closed by then."""
    if status.closed and closed_on is not None and closed_on <= on:
        return status
    return S.IN_PROGRESS


# -- the book -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BookEntry:
    """One case as Part I of the book writes it (columns 1–10)."""

    number: int  # its number in the whole book, from the book's opening: never restarts
    received_on: date
    mediators: str  # "Hòa giải viên: …" and "Người được mời: …" lines
    parties: tuple[str, ...]  # each: name, age, address
    content: str
    agreement: str
    status: MediationStatus  # as recorded now
    closed_on: date | None
    notes: str  # column 10: the note typed for the case, nothing the program works out
    case_type: MediationType

    @property
    def succeeded(self) -> bool:
        return self.status is S.SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.status is S.FAILED


@dataclass
class MediatorSummary:
    """One line of Part II: the cases a mediator took part in, by type and result."""

    name: str
    total: int = 0
    by_type: dict[MediationType, int] = field(
        default_factory=lambda: {t: 0 for t in MediationType})
    succeeded: int = 0
    failed: int = 0
    note: str = ""

    def count(self, entry: BookEntry) -> None:
        self.total += 1
        self.by_type[entry.case_type] += 1
        self.succeeded += entry.succeeded
        self.failed += entry.failed


@dataclass
class Book:
    """A team's Sổ theo dõi hoạt động hòa giải ở cơ sở: one continuous book from its opening,
    and the part of it for ``year`` (the cases received in that year, with their numbers in
    the whole book)."""

    team_id: int
    team_name: str
    area_name: str
    year: int
    book_number: str  # "Quyển số", as stored for the team ("" when not set)
    opened_on: date | None  # "Mở ngày", as stored (None: left blank to write by hand)
    closed_on: date | None  # "Khóa ngày", as stored
    leader: str  # the leader serving at the year's end (or today), "" if none
    entries: list[BookEntry] = field(default_factory=list)
    mediators: list[MediatorSummary] = field(default_factory=list)
    total: MediatorSummary = field(default_factory=lambda: MediatorSummary("Cộng"))
    earlier: int = 0  # cases written in the book before ``year``
    later: int = 0  # cases written in the book after ``year``

    @property
    def numbers(self) -> tuple[int, int] | None:
        """The first and last numbers of the year's part, None when it has no case."""
        if not self.entries:
            return None
        return self.entries[0].number, self.entries[-1].number


def _in_book(opened_on: date | None, closed_on: date | None):
    """The condition on MediationCase.received_on for the cases written in a book opened and
    closed on those days (either may be unknown: the book then runs from the team's first
    case, or on to this day)."""
    conditions = []
    if opened_on is not None:
        conditions.append(MediationCase.received_on >= opened_on)
    if closed_on is not None:
        conditions.append(MediationCase.received_on <= closed_on)
    return conditions


class MediationStats:
    def __init__(self, db: Database):
        self.db = db

    def book_teams(self, year: int) -> list[int]:
        """Teams whose book a ward-wide print includes: those of the active areas and any
        other team with cases received in ``year``, in the areas' order."""
        start, end = year_bounds(year)
        with self.db.session() as s:
            busy = select(MediationCase.team_id).where(MediationCase.received_on >= start,
                                                       MediationCase.received_on <= end)
            return list(s.scalars(
                select(MediationTeam.id).join(Area, Area.id == MediationTeam.area_id)
                .where(Area.retired_on.is_(None) | MediationTeam.id.in_(busy))
                .order_by(Area.sort_order, Area.id)))

    def book(self, team_id: int, year: int, today: date | None = None) -> Book:
        """The team's book and its part for ``year``.

        The book is continuous: it holds every case of the team received from the stored
        opening day (without one, from the team's first case) up to the stored closing day
        (if it was closed), numbered 1, 2, … in the order received, whatever the year.
        Part I: the cases received in ``year``, with those numbers and their result as
        recorded now; the note column holds the note typed for the case only. Part II: for
        each mediator who served during the year or took part in one of its cases, those
        cases by type and result. A case mediated by two people counts for each of them; the
        total counts every case once."""
        today = today or date.today()
        start, end = year_bounds(year)
        with self.db.session() as s:
            team, area_name = s.execute(
                select(MediationTeam, Area.name).join(Area, Area.id == MediationTeam.area_id)
                .where(MediationTeam.id == team_id)).one()
            book_range = _in_book(team.book_opened_on, team.book_closed_on)
            order = s.execute(
                select(MediationCase.id, MediationCase.received_on)
                .where(MediationCase.team_id == team_id, *book_range)
                .order_by(MediationCase.received_on, MediationCase.id)).all()
            numbers = {case_id: n for n, (case_id, _) in enumerate(order, start=1)}
            cases = s.scalars(
                select(MediationCase)
                .where(MediationCase.team_id == team_id, MediationCase.received_on >= start,
                       MediationCase.received_on <= end, *book_range)
                .order_by(MediationCase.received_on, MediationCase.id)).all()
            ids = [c.id for c in cases]
            parties: dict[int, list[PartyData]] = {}
            for p in s.scalars(select(MediationParty).where(MediationParty.case_id.in_(ids))
                               .order_by(MediationParty.id)):
                parties.setdefault(p.case_id, []).append(
                    PartyData(p.full_name, p.birth_year, p.age, p.address, p.resident_id))
            links: dict[int, list[int]] = {}
            for case_id, mediator_id in s.execute(
                    select(MediationCaseMediator.case_id, MediationCaseMediator.mediator_id)
                    .where(MediationCaseMediator.case_id.in_(ids))):
                links.setdefault(case_id, []).append(mediator_id)
            team_mediators = s.scalars(select(Mediator).where(Mediator.team_id == team_id)
                                       .order_by(Mediator.id)).all()
        people = {m.id: m for m in team_mediators}
        rank = {m.id: (not m.is_leader, m.id) for m in team_mediators}
        book = Book(team.id, team.name, area_name, year, team.book_number, team.book_opened_on,
                    team.book_closed_on, "")
        book.earlier = sum(received < start for _, received in order)
        book.later = sum(received > end for _, received in order)
        cutoff = min(end, today)
        leader = next((m for m in team_mediators if m.is_leader and
                       (m.left_on is None or m.left_on > cutoff)), None)
        book.leader = leader.full_name if leader else ""
        summaries: dict[int | None, MediatorSummary] = {}
        for c in cases:
            who = sorted(links.get(c.id, []), key=lambda i: rank.get(i, (True, i)))
            names = [people[i].full_name for i in who if i in people]
            lines = [f"Hòa giải viên: {join_names(names)}"] if names else []
            if c.invited:
                lines.append(f"Người được mời: {c.invited}")
            entry = BookEntry(
                numbers[c.id], c.received_on, "\n".join(lines),
                tuple(p.book_text(c.received_on) for p in parties.get(c.id, [])),
                c.content, c.agreement, c.status, c.closed_on, c.notes, c.case_type)
            book.entries.append(entry)
            book.total.count(entry)
            for i in who or [None]:
                if i is not None and i not in people:
                    continue
                if i not in summaries:
                    summaries[i] = MediatorSummary(people[i].full_name if i else
                                                   "Chưa ghi hòa giải viên")
                summaries[i].count(entry)
        for m in sorted(team_mediators, key=lambda m: rank[m.id]):
            served = (m.left_on is None or m.left_on >= start) and (
                m.decision_date is None or m.decision_date <= end)
            if m.id not in summaries and not served:
                continue
            row = summaries.get(m.id) or MediatorSummary(m.full_name)
            notes = []
            if m.is_leader:
                notes.append("Tổ trưởng")
            if m.left_on is not None and m.left_on <= end:
                notes.append(f"Thôi làm hòa giải viên từ {m.left_on:%d/%m/%Y}")
            row.note = "; ".join(notes)
            book.mediators.append(row)
        if None in summaries:
            book.mediators.append(summaries[None])
        return book

    # -- the ward's year ----------------------------------------------------------------------
    def year_outcomes(self, year: int, today: date | None = None) -> YearOutcomes:
        """Cases received in ``year``, per team (areas' order; teams of retired areas only if
        they received cases), per type and in all, each counted once by its outcome as it
        stood at the year's end — or today, for the current year: a case closed after that
        day counts as "đang hòa giải"."""
        today = today or date.today()
        start, end = year_bounds(year)
        cutoff = min(end, today)
        with self.db.session() as s:
            teams = s.execute(
                select(MediationTeam.id, MediationTeam.name, Area.retired_on)
                .join(Area, Area.id == MediationTeam.area_id)
                .order_by(Area.sort_order, Area.id)).all()
            cases = s.execute(
                select(MediationCase.team_id, MediationCase.case_type, MediationCase.status,
                       MediationCase.closed_on)
                .where(MediationCase.received_on >= start, MediationCase.received_on <= cutoff)
            ).all()
            mediators = s.execute(
                select(Mediator.team_id, Mediator.sex, Mediator.left_on,
                       Mediator.decision_date)).all()
        result = YearOutcomes(year, cutoff)
        result.by_type = {t: OutcomeRow(t.label) for t in MediationType}
        rows = {team_id: OutcomeRow(name) for team_id, name, _ in teams}
        for team_id, case_type, status, closed_on in cases:
            outcome = status_on(status, closed_on, cutoff)
            result.closed_later += status.closed and closed_on is not None and closed_on > cutoff
            rows[team_id].count(case_type, outcome)
            result.by_type[case_type].count(case_type, outcome)
        active_teams = {team_id for team_id, _, retired in teams if retired is None}
        for team_id, _, _ in teams:
            if team_id in active_teams or rows[team_id].received:
                result.teams.append(rows[team_id])
                result.total.add(rows[team_id])
        result.team_count = len(active_teams)
        for team_id, sex, left_on, decided in mediators:
            if team_id in active_teams and (left_on is None or left_on > cutoff) and (
                    decided is None or decided <= cutoff):
                result.mediators += 1
                result.women += sex is Sex.FEMALE
        return result

