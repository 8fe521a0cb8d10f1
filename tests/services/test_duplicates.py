"""Duplicate people (issue 13): matching, the scan, "không trùng", merge and its undo, links of
hand-typed people. Runs on SQLite and PostgreSQL."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from antq_desktop.db.models import Household, MediationParty, PersonMerge, RehabCase, Resident
from antq_desktop.enums import CaseOrigin, MediationType, Regime, Relationship, Sex
from antq_desktop.services import duplicates as dup
from antq_desktop.services.duplicates import (
    REASON_BIRTH,
    REASON_ID,
    REASON_YEAR_AREA,
    DuplicateService,
    pairs_ids,
    probable_matches,
)
from antq_desktop.services.mediation import CaseData as MediationCase
from antq_desktop.services.mediation import MediationService, PartyData
from antq_desktop.services.registers import RegisterService
from antq_desktop.services.rehabilitation import CaseData, RehabilitationService
from antq_desktop.validation import FieldError
from tests.conftest import household, member, sqlite_only

TODAY = date(2026, 6, 15)
BORN = date(1980, 5, 1)
R = Relationship


@pytest.fixture
def dups(db):
    return DuplicateService(db)


@pytest.fixture
def people(households, ward):
    """Household 1 (area 1): Đặng Đức Anh with an ID. Household 2 (area 2): Lê Văn Bình and
    "dang duc anh" typed again without an ID and without diacritics, same birth date."""
    h1 = households.save(household(ward[0], "HK000001", [
        member(phone="0912000001"),
        member("Nguyễn Thị Hoa", date(1982, 2, 3), Sex.FEMALE, R.WIFE, "001182000001")]),
        today=TODAY)
    h2 = households.save(household(ward[1], "HK000002", [
        member("Lê Văn Bình", date(1975, 1, 1), id_number="001075000002"),
        member("dang duc anh", BORN, rel=R.OTHER, id_number="", occupation="Thợ điện")],
        address="5 Hàng Buồm"), today=TODAY)
    ids = {}
    for hid in (h1, h2):
        for m in households.get(hid).members:
            ids.setdefault(m.full_name, m.id)
    return {"h1": h1, "h2": h2, "anh": ids["Đặng Đức Anh"], "copy": ids["Dang Duc Anh"],
            "hoa": ids["Nguyễn Thị Hoa"], "binh": ids["Lê Văn Bình"]}


def test_probable_matches_by_name_and_birth_date_and_by_id(db, people, ward):
    with db.session() as s:
        found = probable_matches(s, "đặng  đức anh", birth_date=BORN)
        assert [m.resident_id for m in found] == [people["anh"], people["copy"]]
        assert found[0].reasons == (REASON_BIRTH,) and found[0].score > found[1].score
        # an ID typed into another household finds its holder
        found = probable_matches(s, "Ai Đó", id_number="0010 8001 2345",
                                 household_id=people["h2"])
        assert [(m.resident_id, m.reasons) for m in found] == [(people["anh"], (REASON_ID,))]
        # the same ID inside the household being edited is that dialog's own check
        assert probable_matches(s, "Ai Đó", id_number="001080012345",
                                household_id=people["h1"]) == []
        # two different ID numbers are two people, whatever the name and birth date
        assert probable_matches(s, "Đặng Đức Anh", birth_date=BORN,
                                id_number="001080099999", resident_id=people["copy"]) == []
        # name + birth year + area only with an area
        assert probable_matches(s, "Dang Duc Anh", birth_year=1980) == []
        found = probable_matches(s, "Dang Duc Anh", birth_year=1980, area_id=ward[1])
        assert [(m.resident_id, m.reasons) for m in found] == [
            (people["copy"], (REASON_YEAR_AREA,))]
        # the record being edited is left out
        found = probable_matches(s, "Dang Duc Anh", birth_date=BORN, resident_id=people["copy"])
        assert [m.resident_id for m in found] == [people["anh"]]


def _id_pair(households, ward):
    """Trần Văn Cường moved out of HK000003 and was registered again in HK000004 with the
    same ID number and his name typed differently."""
    h3 = households.save(household(ward[0], "HK000003", [
        member("Phạm Thị Lan", date(1960, 3, 3), Sex.FEMALE, id_number="001160000003"),
        member("Trần Văn Cường", date(1990, 7, 7), rel=R.CHILD, id_number="001090000004",
               moved_out_on=date(2024, 1, 10), moved_out_reason="Chuyển nơi ở")]),
        today=TODAY)
    h4 = households.save(household(ward[1], "HK000004", [
        member("Trần Cường", date(1990, 7, 7), id_number="001090000004")]), today=TODAY)
    return h3, h4


def _year_pair(households, ward):
    """Vũ Thị Mai and "Vu Thi Mai" born in the same year in the same area, one without ID."""
    households.save(household(ward[0], "HK000005", [
        member("Vũ Thị Mai", date(1970, 2, 1), Sex.FEMALE, id_number="001170000005")]),
        today=TODAY)
    households.save(household(ward[0], "HK000006", [
        member("Hồ Văn Tâm", date(1968, 4, 4), id_number="001068000006"),
        member("Vu Thi Mai", date(1970, 9, 1), Sex.FEMALE, R.WIFE, id_number="")]),
        today=TODAY)


def _by_reason(pairs):
    return {p.reasons: p for p in pairs}


def test_scan_finds_each_kind_of_pair_scored(db, dups, households, people, ward):
    _id_pair(households, ward)
    _year_pair(households, ward)
    # strangers sharing a name and birth date, both with their own ID number: not offered
    households.save(household(ward[0], "HK000007", [
        member("Ngô Văn Khá", date(1985, 1, 1), id_number="001085000007")]), today=TODAY)
    households.save(household(ward[1], "HK000008", [
        member("Ngô Văn Khá", date(1985, 1, 1), id_number="001085000008")]), today=TODAY)
    pairs = dups.scan()
    kinds = _by_reason(pairs)
    assert set(kinds) == {(REASON_ID,), (REASON_BIRTH,), (REASON_YEAR_AREA,)}
    assert {p.a.full_name for p in pairs} == {"Đặng Đức Anh", "Trần Văn Cường", "Vũ Thị Mai"}
    # a different area's name + year only counts inside one area: the Đặng pair crosses areas
    birth = next(p for p in pairs if p.a.id == people["anh"])
    assert birth.reasons == (REASON_BIRTH,)
    scores = [p.score for p in pairs]
    assert scores == sorted(scores, reverse=True)
    assert kinds[(REASON_ID,)].score > birth.score > kinds[(REASON_YEAR_AREA,)].score
    # one area: pairs with at least one of the two living there
    assert {p.a.full_name for p in dups.scan(ward[1])} == {"Đặng Đức Anh", "Trần Văn Cường"}


def test_scan_year_area_pair_same_area(dups, households, ward):
    _year_pair(households, ward)
    (pair,) = dups.scan(ward[0])
    assert (pair.a.full_name, pair.b.full_name, pair.reasons) == (
        "Vũ Thị Mai", "Vu Thi Mai", (REASON_YEAR_AREA,))
    assert dups.scan(ward[1]) == []


def test_not_duplicate_is_never_shown_again(db, dups, people):
    assert pairs_ids(dups.scan()) == {(people["anh"], people["copy"])}
    dups.mark_not_duplicate(people["copy"], people["anh"], today=TODAY)
    dups.mark_not_duplicate(people["anh"], people["copy"], today=TODAY)  # twice: harmless
    assert DuplicateService(db).scan() == []
    with db.session() as s:
        found = probable_matches(s, "Dang Duc Anh", BORN, resident_id=people["copy"])
        assert found == []


def _links(db, people, ward):
    """A rehabilitation case and a mediation party linked to the typed-again record."""
    rehab = RehabilitationService(db).save(CaseData(
        "Dang Duc Anh", Regime.YOUTH, date(2026, 1, 5), resident_id=people["copy"]))
    med = MediationService(db)
    med.ensure_teams()
    team = next(t for t in med.list_teams() if t.area_id == ward[1])
    case = med.save(MediationCase(
        team.id, date(2026, 3, 2), CaseOrigin.PARTY_REQUEST, MediationType.EVERYDAY,
        "Tranh chấp lối đi", parties=[
            PartyData("Dang Duc Anh", 1980, resident_id=people["copy"]),
            PartyData("Lê Văn Bình", 1975, resident_id=people["binh"])]), today=TODAY)
    return rehab, case


def _state(db):
    """Every column of every resident, household and link that a merge may touch."""
    with db.session() as s:
        residents = {r.id: dup._dump(r) for r in s.scalars(select(Resident))}
        homes = {h.id: (h.head_name, h.head_sort, h.member_count, h.residence_kind,
                        h.moved_out_on, h.moved_out_reason, h.search.folded, h.search.lower)
                 for h in s.scalars(select(Household))}
        cases = dict(tuple(r) for r in s.execute(select(RehabCase.id, RehabCase.resident_id)))
        parties = dict(tuple(r) for r in s.execute(
            select(MediationParty.id, MediationParty.resident_id)))
    return residents, homes, cases, parties


def test_merge_moves_every_link_and_leaves_the_record_marked(db, dups, households, people,
                                                             ward):
    rehab, _case = _links(db, people, ward)
    before = households.counts()
    preview = dups.preview(people["anh"], people["copy"])
    differing = {f.key for f in preview.fields if f.differs}
    assert {"full_name", "id_number", "phone", "occupation", "household"} <= differing
    assert "birth_date" not in differing and "sex" not in differing
    assert preview.links == {people["anh"]: (0, 0), people["copy"]: (1, 1)}

    merge_id = dups.merge(people["anh"], people["copy"], {"occupation": people["copy"]},
                          today=TODAY)
    assert merge_id
    with db.session() as s:
        keep, gone = s.get(Resident, people["anh"]), s.get(Resident, people["copy"])
        assert (keep.full_name, keep.id_number, keep.phone, keep.occupation) == (
            "Đặng Đức Anh", "001080012345", "0912000001", "Thợ điện")
        assert keep.household_id == people["h1"]
        assert gone.merged_into_id == keep.id and gone.moved_out_on == TODAY
        assert gone.moved_out_reason == "Đã gộp vào Đặng Đức Anh (hộ HK000001)"
        assert s.get(RehabCase, rehab).resident_id == keep.id
        assert set(s.scalars(select(MediationParty.resident_id))) == {keep.id, people["binh"]}
    # counted nowhere: status bar counts, the household list, the register, the picker
    after = households.counts()
    assert (after.households, after.residents) == (before.households, before.residents - 1)
    assert households.rows([people["h2"]])[people["h2"]].member_count == 1
    # last year's register too, though the record was "living" then (moved out only today)
    names = [m.name for h in RegisterService(db).register(2025, today=TODAY)
             for m in h.members]
    assert sorted(names) == ["Lê Văn Bình", "Nguyễn Thị Hoa", "Đặng Đức Anh"]
    assert [c.id for c in households.find_residents("duc anh")] == [people["anh"]]
    assert dups.scan() == []
    with db.session() as s:
        assert [m.resident_id for m in probable_matches(s, "Dang Duc Anh", BORN)] == [
            people["anh"]]
    # the household dialog's save leaves the merged-away member alone
    data = households.get(people["h2"])
    gone = next(m for m in data.members if m.merged)
    gone.moved_out_on, gone.full_name = None, "Khác"
    households.save(data, today=TODAY)
    with db.session() as s:
        assert s.get(Resident, people["copy"]).moved_out_on == TODAY
    assert households.rows([people["h2"]])[people["h2"]].member_count == 1
    assert [r.survivor for r in dups.merges()] == ["Đặng Đức Anh"]


def test_undo_restores_both_records_and_every_link_exactly(db, dups, people, ward):
    _links(db, people, ward)
    before = _state(db)
    merge_id = dups.merge(people["copy"], people["anh"],
                          {"full_name": people["anh"], "id_number": people["anh"],
                           "household": people["anh"]}, today=TODAY)
    # the survivor took the other's household, as its head: household 1 keeps one head
    with db.session() as s:
        keep = s.get(Resident, people["copy"])
        assert (keep.household_id, keep.relation, keep.id_number) == (
            people["h1"], R.HEAD, "001080012345")
        assert s.get(Household, people["h2"]).member_count == 1
        assert s.get(Household, people["h1"]).member_count == 2
    assert _state(db) != before
    dups.undo(merge_id, today=TODAY)
    assert _state(db) == before
    assert pairs_ids(dups.scan()) == {(people["anh"], people["copy"])}
    assert dups.merges()[0].undone_on == TODAY
    with pytest.raises(FieldError, match="đã được hoàn tác"):
        dups.undo(merge_id, today=TODAY)


def test_merge_that_leaves_a_household_empty_moves_it_and_undo_brings_it_back(
        db, dups, households, ward):
    h1 = households.save(household(ward[0], "HK000001"), today=TODAY)
    h2 = households.save(household(ward[1], "HK000002", [member("dang duc anh", id_number="")]),
                         today=TODAY)
    keep, drop = (households.get(h).members[0].id for h in (h1, h2))
    before = _state(db)
    merge_id = dups.merge(keep, drop, today=TODAY)
    assert households.counts().households == 1
    with db.session() as s:
        h = s.get(Household, h2)
        assert (h.moved_out_on, h.moved_out_reason, h.member_count) == (TODAY, dup.EMPTIED, 0)
    dups.undo(merge_id, today=TODAY)
    assert _state(db) == before and households.counts().households == 2


def test_merge_refuses_to_leave_a_household_without_head_and_saves_nothing(
        db, dups, households, ward):
    h1 = households.save(household(ward[0], "HK000001"), today=TODAY)
    h2 = households.save(household(ward[1], "HK000002", [
        member("dang duc anh", id_number=""),
        member("Lê Thị Hà", date(1985, 1, 1), Sex.FEMALE, R.WIFE, id_number="")]), today=TODAY)
    keep = households.get(h1).members[0].id
    drop = households.get(h2).members[0].id
    before = _state(db)
    with pytest.raises(FieldError, match="HK000002 sẽ có 0 chủ hộ"):
        dups.merge(keep, drop, today=TODAY)
    assert _state(db) == before
    with pytest.raises(FieldError, match="đã được gộp|khác nhau"):
        dups.merge(keep, keep, today=TODAY)


def test_merge_checks_the_chosen_values(dups, people):
    # the kept ID number says 1980 and male: a female survivor is refused, naming the field
    with pytest.raises(FieldError) as err:
        dups.merge(people["anh"], people["hoa"], {"sex": people["hoa"]}, today=TODAY)
    assert err.value.field == "Số định danh cá nhân"


def test_hand_typed_people_link_to_the_register(db, dups, people, ward):
    rehab = RehabilitationService(db).save(CaseData(
        "dang duc anh", Regime.YOUTH, date(2026, 1, 5), birth_date=BORN, sex=Sex.MALE,
        area_id=ward[0]))
    med = MediationService(db)
    med.ensure_teams()
    team = next(t for t in med.list_teams() if t.area_id == ward[1])
    case = med.save(MediationCase(
        team.id, date(2026, 3, 2), CaseOrigin.PARTY_REQUEST, MediationType.EVERYDAY,
        "Tranh chấp lối đi", parties=[PartyData("Le Van Binh", age=51),
                                     PartyData("Người Lạ", 1990)]), today=TODAY)
    found = {(c.kind, c.name): c for c in dups.hand_typed()}
    assert set(found) == {("rehab", "Dang Duc Anh"), ("party", "Le Van Binh")}
    assert found[("rehab", "Dang Duc Anh")].match.resident_id == people["anh"]
    party = found[("party", "Le Van Binh")]
    assert party.match.resident_id == people["binh"]  # 2026 − 51 = 1975, team of area 2
    assert [c.kind for c in dups.hand_typed(ward[1])] == ["party"]

    dups.link("rehab", rehab, people["anh"])
    with db.session() as s:
        assert s.get(RehabCase, rehab).resident_id == people["anh"]
    with pytest.raises(FieldError, match="đã gắn"):
        dups.link("rehab", rehab, people["anh"])
    dups.mark_not_duplicate(party.record_id, people["binh"], kind="party", today=TODAY)
    assert dups.hand_typed() == []
    dups.unlink("rehab", rehab)
    assert [c.kind for c in dups.hand_typed()] == ["rehab"]
    assert case


def test_the_demo_holds_two_people_typed_twice_and_the_scan_finds_them(db, dups):
    from antq_desktop.services.demo import generate

    summary = generate(db, households=300, today=TODAY)
    with db.session() as s:
        assert s.query(Resident).count() == summary.residents
    planted = [p for p in dups.scan() if p.a.full_name != p.b.full_name
               and dup.fold(p.a.full_name) == dup.fold(p.b.full_name) and not p.b.id_number]
    assert len(planted) == 2
    for p in planted:
        assert REASON_BIRTH in p.reasons and REASON_YEAR_AREA in p.reasons
        assert p.b.full_name.isascii() and p.a.birth_date == p.b.birth_date
        assert p.a.household_id != p.b.household_id and p.a.area_id == p.b.area_id


@sqlite_only
def test_a_merge_is_preceded_by_a_verified_backup_once_per_half_hour(db, dups, people,
                                                                   monkeypatch):
    """Issue 12: a backup before a merge; not one per pair when an officer merges a dozen in a
    row, and a backup that fails stops the merge with nothing changed."""
    from antq_desktop.services import backup

    made = []
    real = backup.backup_now
    monkeypatch.setattr(backup, "backup_now",
                        lambda db_, reason, **kw: made.append(reason) or real(db_, reason, **kw))
    dups.merge(people["anh"], people["copy"], today=TODAY)
    assert made == [backup.BEFORE_MERGE]
    assert [b.reason for b in backup.list_backups(backup.folder_for(backup.database_file(db)))
            ] == [backup.BEFORE_MERGE]
    merges = dups.merges()
    dups.undo(merges[0].id, today=TODAY)  # undone and merged again minutes later: covered
    dups.merge(people["anh"], people["copy"], today=TODAY)
    assert made == [backup.BEFORE_MERGE]

    def broken(*_a, **_k):
        raise backup.BackupError("Thư mục sao lưu E:\\ không ghi được.")
    monkeypatch.setattr(backup, "backup_now", broken)
    fresh = DuplicateService(db)  # the dialog opened again
    fresh.undo(dups.merges()[0].id, today=TODAY)
    with db.session() as s:
        before = s.scalars(select(Resident.merged_into_id)).all()
    with pytest.raises(FieldError, match="không sao lưu được"):
        fresh.merge(people["anh"], people["copy"], today=TODAY)
    with db.session() as s:
        assert s.scalars(select(Resident.merged_into_id)).all() == before


def test_merge_offers_ethnicity_and_religion_and_undo_gives_them_back(db, dups, households,
                                                                       ward):
    """Dân tộc and Tôn giáo (migration 0017) are merge fields: the survivor may take the other
    record's, and undo restores both records' own; a merge recorded before those columns
    existed (its snapshot without them) still undoes."""
    h1 = households.save(household(ward[0], "HK000001"), today=TODAY)
    h2 = households.save(household(ward[1], "HK000002", [
        member("Lê Văn Bình", date(1975, 1, 1), id_number="001075000002"),
        member("dang duc anh", rel=R.OTHER, id_number="", ethnicity="Tày",
               religion="Phật giáo")]), today=TODAY)
    keep = households.get(h1).members[0].id
    drop = next(m.id for m in households.get(h2).members if m.full_name == "Dang Duc Anh")
    fields = {f.key: f for f in dups.preview(keep, drop).fields}
    assert fields["ethnicity"].label == "Dân tộc" and fields["ethnicity"].differs
    assert fields["religion"].label == "Tôn giáo" and fields["religion"].b_text == "Phật giáo"
    before = _state(db)
    merge_id = dups.merge(keep, drop, {"ethnicity": drop, "religion": drop}, today=TODAY)
    with db.session() as s:
        assert (s.get(Resident, keep).ethnicity, s.get(Resident, keep).religion) == (
            "Tày", "Phật giáo")
    dups.undo(merge_id, today=TODAY)
    assert _state(db) == before
    # an older snapshot, without the two keys: undo leaves the columns as they are
    merge_id = dups.merge(keep, drop, {"ethnicity": drop}, today=TODAY)
    with db.session() as s, s.begin():
        row = s.get(PersonMerge, merge_id)
        snapshot = json.loads(row.before)
        for part in ("survivor", "merged"):
            snapshot[part].pop("ethnicity"), snapshot[part].pop("religion")
        s.execute(PersonMerge.__table__.update().where(PersonMerge.id == merge_id)
                  .values(before=json.dumps(snapshot)))
    dups.undo(merge_id, today=TODAY)
    with db.session() as s:
        assert s.get(Resident, drop).merged_into_id is None
        assert s.get(Resident, keep).ethnicity == "Tày"  # not in the old snapshot: kept
