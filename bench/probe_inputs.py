"""Bad-input probe: push a corpus of bad inputs through the services of a fresh demo ward.

    python bench/probe_inputs.py [--households 60] [--markdown] [--keep DIR]

For each input the probe records what the service did with it:

- ``refused``     FieldError: the Vietnamese message shown to the user (and the field it names);
- ``normalised``  saved, stored as the expected clean value (NFKC digits, ASCII);
- ``stripped``    saved without the control or invisible characters;

and checks it: a refusal wrote nothing (row counts of every table unchanged), a save stored
what was expected. Anything else is a finding: ``NOT HANDLED`` (stored as typed although it
should be refused or cleaned), ``CRASH`` (an exception other than FieldError: a traceback for
the user), ``HALF-SAVED`` (refused but some rows changed). After the corpus, text as an older
version could have stored it (control characters written straight into the tables) is added,
and every report form is exported to .xlsx (``export ok`` or the error). Exit status 1 when
any finding or export failure was met. Results: docs/RELIABILITY.md, "Bad-input corpus".
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, update  # noqa: E402

from antq_desktop.db.engine import open_database  # noqa: E402
from antq_desktop.db.models import Base, Household, Resident  # noqa: E402
from antq_desktop.criteria import criteria_for  # noqa: E402
from antq_desktop.enums import (  # noqa: E402
    AwardLevel,
    CaseOrigin,
    CertCategory,
    CertResult,
    Classification,
    EndReason,
    MediationStatus,
    MediationType,
    OutreachKind,
    Regime,
    Relationship,
    ResidenceKind,
    Sex,
    SupportKind,
    WeaponKind,
)
from antq_desktop.regimes import Period  # noqa: E402
from antq_desktop.services.activities import (  # noqa: E402
    ActivityService,
    AwardData,
    Kind,
    ModelData,
    OutreachData,
    PatrolData,
    TipData,
    WeaponData,
)
from antq_desktop.services.certification import CertificationService  # noqa: E402
from antq_desktop.services.certification_rules import (  # noqa: E402
    CertUnitData,
    CriterionData,
    RecordData,
)
from antq_desktop.services.demo import generate  # noqa: E402
from antq_desktop.services.households import (  # noqa: E402
    HouseholdData,
    HouseholdService,
    MemberData,
)
from antq_desktop.services.mediation import CaseData as MedCase  # noqa: E402
from antq_desktop.services.mediation import MediationService, MediatorData, PartyData  # noqa: E402
from antq_desktop.services.rehabilitation import CaseData as RehabCase  # noqa: E402
from antq_desktop.services.rehabilitation import (  # noqa: E402
    EvaluationData,
    RehabilitationService,
    SupportData,
)
from antq_desktop.services.unit import UnitService  # noqa: E402
from antq_desktop.text import unsafe_chars  # noqa: E402
from antq_desktop.validation import FieldError  # noqa: E402

TODAY = date(2026, 6, 1)
BEL, NUL, ZWSP, ZWJ, RLO, BOM, LRI = "\x07", "\x00", "\u200b", "\u200d", "\u202e", "\ufeff", "\u2066"
LONG = "A" * 10_000
ID_OK = "096080012345"  # Cà Mau, male, born 1980 (the demo's numbers are Hà Nội's)


@dataclass
class Ctx:
    db: object
    households: HouseholdService
    rehab: RehabilitationService
    mediation: MediationService
    activities: ActivityService
    cert: CertificationService
    unit: UnitService
    area: int
    team: int
    serial: int = 0
    before: dict | None = None

    def mark(self) -> None:
        """Called by a case right before its bad step, after the record it edits was made: the
        "nothing half-saved" check compares the row counts from here."""
        self.before = snapshot(self.db)

    def code(self) -> str:
        self.serial += 1
        return f"PB{self.serial:06d}"

    def number(self) -> str:
        """A fresh valid ID number (male, born 1980)."""
        self.serial += 1
        return f"096080{self.serial:06d}"


def member(name="Trần Văn Bình", **kw) -> MemberData:
    return MemberData(full_name=name, birth_date=kw.pop("born", date(1980, 5, 1)),
                      sex=kw.pop("sex", Sex.MALE), relation=kw.pop("rel", Relationship.HEAD),
                      residence_kind=ResidenceKind.PERMANENT,
                      id_number=kw.pop("id_number", ""), **kw)


def new_household(c: Ctx, members=None, **kw) -> int:
    data = HouseholdData(code=kw.pop("code", None) or c.code(), area_id=c.area,
                         address=kw.pop("address", "Số 5 ngõ 12 Hàng Bạc"),
                         members=members or [member()], **kw)
    return c.households.save(data, today=TODAY)


def stored_member(c: Ctx, hid: int, attr: str):
    return getattr(c.households.get(hid).members[0], attr)


def rehab_case(**kw) -> RehabCase:
    return RehabCase(person_name=kw.pop("person_name", "Lê Văn Tuấn"),
                     regime=kw.pop("regime", Regime.REINTEGRATION),
                     start_date=kw.pop("start_date", date(2025, 2, 10)), **kw)


def med_case(c: Ctx, **kw) -> MedCase:
    return MedCase(team_id=c.team, origin=CaseOrigin.PARTY_REQUEST,
                   case_type=MediationType.EVERYDAY, received_on=kw.pop("received_on",
                                                                        date(2026, 3, 2)),
                   content=kw.pop("content", "Tranh chấp lối đi chung"),
                   parties=kw.pop("parties", [PartyData("Hoàng Văn Khải", birth_year=1971)]),
                   **kw)


# -- the corpus ------------------------------------------------------------------------------------
# (area, input, expectation, action). The action saves through a service and, when the save is
# expected to succeed, returns the stored value; ``expect`` is "refuse" or the value to find.
Case = tuple[str, str, object, Callable[[Ctx], object]]
REFUSE = "refuse"


def _households() -> list[Case]:
    def name(value):
        return lambda c: new_household(c, [member(value)])

    def code(value):
        return lambda c: new_household(c, code=value)

    def first(attr, **kw):
        def run(c):
            return stored_member(c, new_household(c, [member(**kw)]), attr)
        return run

    def household_field(attr, **kw):
        def run(c):
            return getattr(c.households.get(new_household(c, **kw)), attr)
        return run

    def full_width_duplicate_id(c):
        taken = c.number()
        new_household(c, [member(id_number=taken)])
        wide = taken.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
        c.mark()
        return new_household(c, [member("Phạm Văn Cường", id_number=wide)])

    def duplicate_living_id(c):
        with c.db.session() as s:
            taken = s.scalar(select(Resident.id_number).where(
                Resident.id_number.is_not(None), Resident.moved_out_on.is_(None)).limit(1))
        return new_household(c, [member("Phạm Văn Cường", id_number=taken,
                                        born=date(1900 + int(taken[4:6]) + 100 * (int(taken[3]) // 2), 1, 1),
                                        sex=Sex.MALE if int(taken[3]) % 2 == 0 else Sex.FEMALE)])

    def duplicate_in_household(c):
        n = c.number()
        return new_household(c, [member(id_number=n),
                                 member("Trần Văn Cả", rel=Relationship.CHILD, id_number=n,
                                        born=date(1980, 5, 1))])

    def full_width_code_duplicate(c):
        taken = c.code()
        new_household(c, code=taken)
        wide = "".join(chr(0xFF00 + ord(ch) - 0x20) for ch in taken)
        c.mark()
        return c.households.get(new_household(c, code=wide)).code

    def since_after_signup(c):
        hid = new_household(c, since=date(2020, 1, 1))
        c.households.sign_up(hid, 2025, date(2025, 3, 1), today=TODAY)
        data = c.households.get(hid)
        data.since = date(2025, 6, 1)
        c.mark()
        return c.households.save(data, today=TODAY)

    def member_moved_before_birth(c):
        hid = new_household(c, [member(), member("Trần Thị Hoa", rel=Relationship.WIFE,
                                                  sex=Sex.FEMALE, born=date(1982, 1, 1))])
        data = c.households.get(hid)
        data.members[1].moved_out_on = date(1970, 1, 1)
        c.mark()
        return c.households.save(data, today=TODAY)

    def move_away(day, reason=""):
        def run(c):
            hid = new_household(c)
            c.mark()
            c.households.move_away(hid, day, reason, today=TODAY)
            return c.households.get(hid).moved_out_reason
        return run

    def sign_up(day):
        def run(c):
            hid = new_household(c)
            c.mark()
            return c.households.sign_up(hid, day.year, day, today=TODAY)
        return run

    return [
        ("hộ", "BEL in a name", REFUSE, name(f"Trần Văn{BEL} Bình")),
        ("hộ", "NUL in a name", REFUSE, name(f"Trần{NUL}Bình")),
        ("hộ", "zero-width space in a name", REFUSE, name(f"Trần{ZWSP}Bình")),
        ("hộ", "right-to-left override in a name", REFUSE, name(f"Trần{RLO} Bình")),
        ("hộ", "name of accents only", REFUSE, name("\u0301\u0300\u0303")),
        ("hộ", "name of punctuation only", REFUSE, name("-- .. ''")),
        ("hộ", "name of emoji only", REFUSE, name("😀😀")),
        ("hộ", "emoji inside a name", REFUSE, name("Trần Bình 😀")),
        ("hộ", "10,000-character name", REFUSE, name(LONG)),
        ("hộ", "digits in a name", REFUSE, name("Trần Văn 2")),
        ("hộ", "BOM in a household code", REFUSE, code(f"{BOM}PB999001")),
        ("hộ", "isolate (U+2066) in a household code", REFUSE, code(f"PB{LRI}999002")),
        ("hộ", "zero-width joiner in a household code", REFUSE, code(f"PB{ZWJ}999003")),
        ("hộ", "household code of symbols only", REFUSE, code("###")),
        ("hộ", "10,000-character household code", REFUSE, code(LONG)),
        ("hộ", "full-width household code equal to an existing one", REFUSE,
         full_width_code_duplicate),
        ("hộ", "full-width digits in an ID number", "096080123456",
         first("id_number", id_number="０９６０８０１２３４５６")),
        ("hộ", "full-width ID equal to a living resident's", REFUSE, full_width_duplicate_id),
        ("hộ", "duplicate living ID number (other household)", REFUSE, duplicate_living_id),
        ("hộ", "duplicate ID number inside one household", REFUSE, duplicate_in_household),
        ("hộ", "superscript digits in an ID number", REFUSE,
         first("id_number", id_number="²²²²²²²²²²²²")),
        ("hộ", "Arabic-Indic digits in an ID number", REFUSE,
         first("id_number", id_number="09608001234\u0665")),
        ("hộ", "ZWSP in an ID number", REFUSE, first("id_number", id_number=f"0960800{ZWSP}12347")),
        ("hộ", "full-width digits in an old ID (CMND)", "012345678",
         first("old_id_number", old_id_number="０１２３４５６７８")),
        ("hộ", "full-width digits in a phone", "0912345678",
         first("phone", phone="０９１２ ３４５ ６７８")),
        ("hộ", "superscript digits in a phone", "0912345678", first("phone", phone="⁰⁹¹²³⁴⁵⁶⁷⁸")),
        ("hộ", "Arabic-Indic digits in a phone", REFUSE, first("phone", phone="09123456\u0667\u0668")),
        ("hộ", "BEL in a phone", REFUSE, first("phone", phone=f"0912{BEL}345678")),
        ("hộ", "birth in year 1800", REFUSE, first("birth_date", born=date(1800, 1, 1))),
        ("hộ", "birth in year 3000", REFUSE, first("birth_date", born=date(3000, 1, 1))),
        ("hộ", "arrival (since) in year 1", REFUSE, household_field("since", since=date(1, 1, 1))),
        ("hộ", "arrival (since) in 1800", REFUSE, household_field("since", since=date(1800, 1, 1))),
        ("hộ", "arrival (since) in 3000", REFUSE, household_field("since", since=date(3000, 1, 1))),
        ("hộ", "residence from year 1", REFUSE,
         first("residence_from", residence_from=date(1, 1, 1))),
        ("hộ", "BEL, ESC and RLO in the address", "Số 5 Hàng Bạc",
         household_field("address", address=f"Số 5{BEL} Hàng\x1b Bạc{RLO}")),
        ("hộ", "10,000-character address", REFUSE, household_field("address", address=LONG)),
        ("hộ", "control characters in notes (line breaks kept)", "dòng 1\ndòng 2",
         household_field("notes", notes=f"dòng{BEL} 1\r\ndòng 2{ZWSP}")),
        ("hộ", "30,000-character notes", REFUSE, household_field("notes", notes="x" * 30_000)),
        ("hộ", "10,000-character occupation", REFUSE, first("occupation", occupation=LONG)),
        ("hộ", "NUL in the occupation", "Thợ may", first("occupation", occupation=f"Thợ{NUL} may")),
        ("hộ", "later edit: arrival moved after its sign-up", REFUSE, since_after_signup),
        ("hộ", "later edit: a member moved away before birth", REFUSE, member_moved_before_birth),
        ("hộ", "move away in year 1", REFUSE, move_away(date(1, 1, 1))),
        ("hộ", "move away in 1800", REFUSE, move_away(date(1800, 1, 1))),
        ("hộ", "move-away reason with BEL", "Chuyển đi", move_away(date(2026, 1, 5),
                                                                  f"Chuyển{BEL} đi")),
        ("hộ", "sign-up in 1800", REFUSE, sign_up(date(1800, 3, 1))),
        ("hộ", "sign-up in 3000", REFUSE, sign_up(date(3000, 3, 1))),
    ]


def _rehab() -> list[Case]:
    def save(**kw):
        return lambda c: c.rehab.save(rehab_case(**kw), today=TODAY)

    def stored(attr, **kw):
        return lambda c: getattr(c.rehab.get(c.rehab.save(rehab_case(**kw), today=TODAY)), attr)

    def support(**kw):
        def run(c):
            cid = c.rehab.save(rehab_case(), today=TODAY)
            sp = SupportData(kw.pop("given_on", date(2025, 3, 1)), kw.pop("kind", SupportKind.LOAN),
                             **kw)
            c.mark()
            c.rehab.add_support(cid, sp, today=TODAY)
            return c.rehab.get(cid).supports[0].details
        return run

    def evaluation(day):
        def run(c):
            cid = c.rehab.save(rehab_case(), today=TODAY)
            c.mark()
            return c.rehab.add_evaluation(cid, EvaluationData(day, Period(2025, 2, 3),
                                                              Classification.B), today=TODAY)
        return run

    def evaluated(c):
        cid = c.rehab.save(rehab_case(), today=TODAY)
        c.rehab.add_evaluation(cid, EvaluationData(date(2025, 7, 2), Period(2025, 2, 3),
                                                   Classification.B), today=TODAY)
        return cid

    def start_after_evaluation(c):
        cid = evaluated(c)
        data = c.rehab.get(cid)
        data.start_date = date(2025, 7, 10)
        c.mark()
        return c.rehab.save(data, today=TODAY)

    def start_after_close(c):
        cid = c.rehab.save(rehab_case(), today=TODAY)
        c.rehab.close(cid, date(2025, 3, 1), EndReason.COMPLETED, today=TODAY)
        data = c.rehab.get(cid)
        data.start_date = date(2025, 4, 1)
        c.mark()
        return c.rehab.save(data, today=TODAY)

    def close_before_evaluation(c):
        cid = evaluated(c)
        c.mark()
        return c.rehab.close(cid, date(2025, 6, 1), EndReason.COMPLETED, today=TODAY)

    def close_year_1(c):
        cid = c.rehab.save(rehab_case(), today=TODAY)
        c.mark()
        return c.rehab.close(cid, date(1, 1, 1), EndReason.COMPLETED, today=TODAY)

    loan = {"amount": None, "lender": "Ngân hàng Chính sách xã hội"}
    return [
        ("giáo dục", "BEL in the person's name", REFUSE, save(person_name=f"Lê{BEL} Tuấn")),
        ("giáo dục", "name of emoji only", REFUSE, save(person_name="🙂")),
        ("giáo dục", "10,000-character name", REFUSE, save(person_name=LONG)),
        ("giáo dục", "ZWJ in the decision number", REFUSE,
         save(decision_number=f"12/QĐ{ZWJ}-UBND")),
        ("giáo dục", "full-width digits in the ID number", "096080123456",
         stored("id_number", id_number="０９６０８０１２３４５６", sex=Sex.MALE)),
        ("giáo dục", "superscript digits in the ID number", REFUSE,
         save(id_number="¹²³⁴⁵⁶⁷⁸⁹⁰¹²")),
        ("giáo dục", "decision date in 1800", REFUSE, save(decision_date=date(1800, 1, 1))),
        ("giáo dục", "decision date in year 1", REFUSE, save(decision_date=date(1, 1, 1))),
        ("giáo dục", "start date in 1800", REFUSE, save(start_date=date(1800, 1, 1))),
        ("giáo dục", "start date in 3000", REFUSE, save(start_date=date(3000, 1, 1))),
        ("giáo dục", "planned end in 3000", REFUSE, save(planned_end=date(3000, 1, 1))),
        ("giáo dục", "10,000-character supervisor", REFUSE, save(supervisor=LONG)),
        ("giáo dục", "BEL and RLO in the address", "Số 3 Hàng Đào",
         stored("address", address=f"Số 3{BEL} Hàng Đào{RLO}")),
        ("giáo dục", "evaluation in year 1", REFUSE, evaluation(date(1, 1, 1))),
        ("giáo dục", "loan of 10^20 đồng", REFUSE, support(**{**loan, "amount": 10**20})),
        ("giáo dục", "loan of -1 đồng", REFUSE, support(**{**loan, "amount": -1})),
        ("giáo dục", "loan amount as a float (1.5)", REFUSE, support(**{**loan, "amount": 1.5})),
        ("giáo dục", "support in 1800", REFUSE,
         support(given_on=date(1800, 1, 1), kind=SupportKind.JOB)),
        ("giáo dục", "BEL in support details", "Giới thiệu việc làm",
         support(kind=SupportKind.JOB, details=f"Giới thiệu{BEL} việc làm")),
        ("giáo dục", "later edit: start moved after its evaluation", REFUSE,
         start_after_evaluation),
        ("giáo dục", "later edit: start moved after its close", REFUSE, start_after_close),
        ("giáo dục", "close before its evaluation", REFUSE, close_before_evaluation),
        ("giáo dục", "close in year 1", REFUSE, close_year_1),
    ]


def _mediation() -> list[Case]:
    def save(**kw):
        return lambda c: c.mediation.save(med_case(c, **kw), today=TODAY)

    def content(text):
        return lambda c: c.mediation.get(c.mediation.save(med_case(c, content=text),
                                                          today=TODAY)).content

    def mediator(**kw):
        def run(c):
            data = c.mediation.get_team(c.team)
            data.mediators.append(MediatorData(full_name=kw.pop("full_name", "Vũ Thị Lan"),
                                               sex=Sex.FEMALE, birth_year=kw.pop("birth_year",
                                                                                 1975), **kw))
            c.mediation.save_team(data, today=TODAY)
            return [m.phone for m in c.mediation.get_team(c.team).mediators
                    if m.full_name == "Vũ Thị Lan"][-1]
        return run

    def book(number):
        def run(c):
            data = c.mediation.get_team(c.team)
            data.book_number = number
            return c.mediation.save_team(data, today=TODAY)
        return run

    def received_after_close(c):
        cid = c.mediation.save(med_case(c, status=MediationStatus.STOPPED,
                                        closed_on=date(2026, 4, 1)), today=TODAY)
        data = c.mediation.get(cid)
        data.received_on = date(2026, 5, 20)
        c.mark()
        return c.mediation.save(data, today=TODAY)

    return [
        ("hòa giải", "received in year 1", REFUSE, save(received_on=date(1, 1, 1))),
        ("hòa giải", "received in 1800", REFUSE, save(received_on=date(1800, 1, 1))),
        ("hòa giải", "received in 3000", REFUSE, save(received_on=date(3000, 1, 1))),
        ("hòa giải", "BEL in a party's name", REFUSE, save(parties=[PartyData(f"Hoàng{BEL} Khải")])),
        ("hòa giải", "party name of emoji only", REFUSE, save(parties=[PartyData("✨✨")])),
        ("hòa giải", "10,000-character party name", REFUSE, save(parties=[PartyData(LONG)])),
        ("hòa giải", "party born in 1800", REFUSE,
         save(parties=[PartyData("Hoàng Văn Khải", birth_year=1800)])),
        ("hòa giải", "party born in 3000", REFUSE,
         save(parties=[PartyData("Hoàng Văn Khải", birth_year=3000)])),
        ("hòa giải", "party aged 500", REFUSE, save(parties=[PartyData("Hoàng Văn Khải", age=500)])),
        ("hòa giải", "content of invisible characters only", REFUSE, content(f"{BEL}{ZWSP}")),
        ("hòa giải", "BEL and RLO in the content (lines kept)", "Tranh chấp\nlối đi",
         content(f"Tranh{BEL} chấp{RLO}\nlối đi")),
        ("hòa giải", "30,000-character content", REFUSE, content("x" * 30_000)),
        ("hòa giải", "later edit: received after its close", REFUSE, received_after_close),
        ("hòa giải", "BEL in a mediator's name", REFUSE, mediator(full_name=f"Vũ{BEL} Lan")),
        ("hòa giải", "mediator born in year 1", REFUSE, mediator(birth_year=1)),
        ("hòa giải", "full-width mediator phone", "0912345678", mediator(phone="０９１２３４５６７８")),
        ("hòa giải", "mediator decision in 1800", REFUSE,
         mediator(decision_number="1/QĐ", decision_date=date(1800, 1, 1))),
        ("hòa giải", "BEL in the book number", REFUSE, book(f"01{BEL}")),
    ]


def _activities() -> list[Case]:
    def save(kind, data):
        return lambda c: c.activities.save(kind, data(c), today=TODAY)

    def stored(kind, data, attr):
        return lambda c: getattr(c.activities.get(kind, c.activities.save(kind, data(c),
                                                                          today=TODAY)), attr)

    def model(**kw):
        return lambda c: ModelData(kw.pop("name", "Camera an ninh"), c.area,
                                   kw.pop("started_on", date(2024, 5, 1)), **kw)

    def weapon(q):
        return lambda c: WeaponData(date(2026, 1, 5), c.area, WeaponKind.FIRECRACKER, q)

    return [
        ("hoạt động", "BEL in a model's name", REFUSE, save(Kind.MODEL, model(name=f"Camera{BEL}"))),
        ("hoạt động", "model name of emoji only", REFUSE, save(Kind.MODEL, model(name="📷📷"))),
        ("hoạt động", "10,000-character model name", REFUSE, save(Kind.MODEL, model(name=LONG))),
        ("hoạt động", "model started in 1800", REFUSE,
         save(Kind.MODEL, model(started_on=date(1800, 1, 1)))),
        ("hoạt động", "model with 10^20 members", REFUSE, save(Kind.MODEL, model(members=10**20))),
        ("hoạt động", "model notes with BEL", "ab\nc",
         stored(Kind.MODEL, model(name="Tổ tự quản", notes=f"a{BEL}b\nc"), "notes")),
        ("hoạt động", "patrol with -1 participants", REFUSE,
         save(Kind.PATROL, lambda c: PatrolData(date(2026, 1, 5), c.area, -1))),
        ("hoạt động", "patrol with 10^20 participants", REFUSE,
         save(Kind.PATROL, lambda c: PatrolData(date(2026, 1, 5), c.area, 10**20))),
        ("hoạt động", "outreach in year 1", REFUSE,
         save(Kind.OUTREACH, lambda c: OutreachData(date(1, 1, 1), c.area, OutreachKind.MEETING,
                                                    "Phòng cháy"))),
        ("hoạt động", "outreach attendance 10^20", REFUSE,
         save(Kind.OUTREACH, lambda c: OutreachData(date(2026, 1, 5), c.area,
                                                    OutreachKind.MEETING, "Phòng cháy", 10**20))),
        ("hoạt động", "tip content with BEL", "Tin báo đánh bạc",
         stored(Kind.TIP, lambda c: TipData(date(2026, 1, 5), c.area,
                                            f"Tin báo{BEL} đánh bạc"), "content")),
        ("hoạt động", "weapon quantity 10^20", REFUSE, save(Kind.WEAPON, weapon(1e20))),
        ("hoạt động", "weapon quantity NaN", REFUSE, save(Kind.WEAPON, weapon(float("nan")))),
        ("hoạt động", "weapon quantity infinity", REFUSE, save(Kind.WEAPON, weapon(float("inf")))),
        ("hoạt động", "award recipient of emoji only", REFUSE,
         save(Kind.AWARD, lambda c: AwardData(date(2026, 1, 5), "🏆", AwardLevel.WARD_POLICE))),
        ("hoạt động", "award decision number with ZWSP", REFUSE,
         save(Kind.AWARD, lambda c: AwardData(date(2026, 1, 5), "Nguyễn Văn An",
                                              AwardLevel.WARD_POLICE,
                                              decision_number=f"12{ZWSP}/QĐ"))),
    ]


def _certification_and_unit() -> list[Case]:
    def unit(**kw):
        return lambda c: c.cert.save_unit(CertUnitData(CertCategory.AGENCY,
                                                       kw.pop("name", "Bưu điện phường"), **kw))

    def unit_phone(phone):
        def run(c):
            uid = c.cert.save_unit(CertUnitData(CertCategory.AGENCY, f"Kho bạc {c.code()}",
                                                phone=phone))
            return c.cert.unit(uid).phone
        return run

    def record(**kw):
        def run(c):
            uid = c.cert.save_unit(CertUnitData(CertCategory.AGENCY, f"Trường {c.code()}"))
            c.mark()
            return c.cert.save_record(uid, 2026, RecordData(**kw), today=TODAY)
        return run

    met = {"registered_on": date(2026, 1, 10), "evaluated_on": date(2026, 5, 10),
           "result": CertResult.MET, "decision_number": "5/QĐ-UBND",
           "decision_date": date(2026, 5, 20),
           "criteria": [CriterionData(k.code, True) for k in criteria_for(CertCategory.AGENCY)]}

    def area(name):
        return lambda c: c.unit.add_area(name)

    def full_width_area_duplicate(c):
        name = next(a.name for a in c.unit.areas())
        wide = "".join(chr(ord(ch) + 0xFEE0) if "0" <= ch <= "9" else ch for ch in name)
        if wide == name:
            wide = name + " "
        c.unit.add_area(wide)
        return next(a.name for a in c.unit.areas() if a.name not in (name,) and
                    a.name.replace(" ", "") == wide.replace(" ", ""))

    def commander(name):
        def run(c):
            return c.unit.save(replace(c.unit.get(), commander_name=name))
        return run

    def header(text):
        def run(c):
            return c.unit.save(replace(c.unit.get(), header_issuer=text))
        return run

    def retire(day):
        def run(c):
            aid = c.unit.add_area(f"Tổ dân phố {c.code()}")
            c.mark()
            return c.unit.retire_area(aid, day, today=TODAY)
        return run

    return [
        ("phong trào", "BEL in a unit's name", REFUSE, unit(name=f"Bưu{BEL} điện")),
        ("phong trào", "unit name of symbols only", REFUSE, unit(name="***")),
        ("phong trào", "10,000-character unit name", REFUSE, unit(name=LONG)),
        ("phong trào", "full-width digits in a unit's phone", "0241234567",
         unit_phone("０２４１２３４５６７")),
        ("phong trào", "registered in year 1", REFUSE, record(registered_on=date(1, 1, 1))),
        ("phong trào", "decision date in 1800", REFUSE,
         record(**{**met, "decision_date": date(1800, 1, 1)})),
        ("phong trào", "ZWSP in the certificate number", REFUSE,
         record(**met, certificate_number=f"7{ZWSP}/GCN")),
        ("đơn vị", "BEL in an area's name", REFUSE, area(f"Tổ{BEL} 9")),
        ("đơn vị", "area name of punctuation only", REFUSE, area("…")),
        ("đơn vị", "10,000-character area name", REFUSE, area(LONG)),
        ("đơn vị", "full-width digits: an area equal to an existing one", REFUSE,
         full_width_area_duplicate),
        ("đơn vị", "commander name of emoji only", REFUSE, commander("👮")),
        ("đơn vị", "RLO in the issuer line", REFUSE, header(f"CÔNG AN{RLO} PHƯỜNG")),
        ("đơn vị", "area retired in year 1", REFUSE, retire(date(1, 1, 1))),
    ]


CORPUS: list[Case] = [*_households(), *_rehab(), *_mediation(), *_activities(),
                      *_certification_and_unit()]


# -- running it --------------------------------------------------------------------------------------
def snapshot(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables}


def short(text: str, n: int = 110) -> str:
    """One table cell: invisible characters shown as U+XXXX, at most ``n`` characters."""
    text = "".join(f"<U+{ord(ch):04X}>" if unsafe_chars(ch) else ch for ch in text)
    text = text.replace("|", "\\|").replace("\n", "\\n")
    return text if len(text) <= n else text[:n - 1] + "…"


def shown(value) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return short(text, 40)


def run_case(c: Ctx, case: Case) -> tuple[str, str, bool]:
    """(outcome, detail, ok)."""
    _area, _what, expect, action = case
    c.before = snapshot(c.db)
    try:
        value = action(c)
    except FieldError as exc:
        if expect != REFUSE:
            return "refused", f"NOT EXPECTED: {short(str(exc))}", False
        after = snapshot(c.db)
        changed = [t for t in after if after[t] != c.before.get(t)]
        if changed:
            return "HALF-SAVED", f"{short(str(exc))} — rows changed in {', '.join(changed)}", False
        return "refused", short(str(exc)), True
    except Exception as exc:  # noqa: BLE001 — a crash is what the probe looks for
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return "CRASH", short(tb), False
    if expect == REFUSE:
        return "NOT HANDLED", f"stored: {shown(value)}", False
    if value != expect:
        return "NOT HANDLED", f"stored {shown(value)}, expected {shown(expect)}", False
    kind = "normalised" if str(expect).isdigit() else "stripped"
    return kind, f"stored as {shown(value)}", True


def stored_by_an_older_version(db) -> None:
    """Text as it could be stored before the services refused it (straight into the tables)."""
    with db.session.begin() as s:
        ids = s.scalars(select(Household.id).where(Household.moved_out_on.is_(None))
                        .order_by(Household.id).limit(5)).all()
        s.execute(update(Resident).where(Resident.household_id.in_(ids)).values(
            full_name=f"Đặng{BEL} Đức{ZWSP} Anh{RLO}", occupation=f"Thợ\x1b may{NUL}"))
        s.execute(update(Household).where(Household.id.in_(ids)).values(
            address=f"12{NUL} Hàng\x0b Bạc{BOM}", head_name=f"Đặng{BEL} Đức Anh",
            notes=f"ghi\x01chú"))


def export_all(db, out: Path) -> list[tuple[str, str]]:
    from antq_desktop.reports import registry
    from antq_desktop.reports.export import export_xlsx
    from antq_desktop.services.unit import UnitService

    area = UnitService(db).areas()[0].id
    results = []
    for form in registry.all_forms():
        params = registry.Params(year=TODAY.year, on=TODAY,
                                 area_id=area if form.needs_area else None,
                                 quarter=2 if form.needs_quarter else None)
        try:
            export_xlsx(db, form.id, params, out / f"{form.id}.xlsx")
            results.append((form.id, "export ok"))
        except Exception as exc:  # noqa: BLE001
            results.append((form.id, f"FAILED: {type(exc).__name__}: {short(str(exc), 80)}"))
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=60)
    ap.add_argument("--keep", help="folder to keep the database and the exports in")
    args = ap.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="probe-inputs-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    db = open_database(f"sqlite:///{work / 'probe.db'}")
    generate(db, households=args.households, today=TODAY)
    med = MediationService(db)
    med.ensure_teams()
    c = Ctx(db=db, households=HouseholdService(db), rehab=RehabilitationService(db),
            mediation=med, activities=ActivityService(db), cert=CertificationService(db),
            unit=UnitService(db), area=UnitService(db).areas()[0].id,
            team=med.list_teams()[0].id)
    rows, findings = [], 0
    for case in CORPUS:
        outcome, detail, ok = run_case(c, case)
        findings += not ok
        rows.append((case[0], case[1], outcome, detail))
    exports = export_all(db, work)
    stored_by_an_older_version(db)
    exports_old = export_all(db, work)
    db.dispose()
    elapsed = time.perf_counter() - started
    failed_exports = sum(not r.startswith("export ok") for _, r in exports + exports_old)

    print(f"Command: `python bench/probe_inputs.py --households {args.households}`  ")
    print(f"Machine: {platform.system()} {platform.release()}, {platform.machine()}, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}  ")
    print(f"Demo ward: {args.households} households, today {TODAY:%d/%m/%Y}; "
          f"run time {elapsed:.0f} s.\n")
    print("| area | input | outcome | message or stored value |")
    print("|---|---|---|---|")
    for area, what, outcome, detail in rows:
        print(f"| {area} | {what} | {outcome} | {detail} |")
    counts: dict[str, int] = {}
    for _, _, outcome, _ in rows:
        counts[outcome] = counts.get(outcome, 0) + 1
    print(f"\n{len(rows)} inputs: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
          + f"; findings: {findings}.")
    ok_exports = sum(r == "export ok" for _, r in exports)
    ok_old = sum(r == "export ok" for _, r in exports_old)
    print(f"Exports after the corpus: {ok_exports} of {len(exports)} forms ok; after text stored "
          f"by an older version (BEL, NUL, ESC, VT, ZWSP, RLO, BOM in names, addresses, notes): "
          f"{ok_old} of {len(exports_old)} ok.")
    for form_id, result in exports + exports_old:
        if result != "export ok":
            print(f"- {form_id}: {result}")
    return 1 if findings or failed_exports else 0


if __name__ == "__main__":
    sys.exit(main())
