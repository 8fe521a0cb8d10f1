"""``antq-desktop audit [--since] [--user] -o FILE.xlsx`` (issue 15)."""

from datetime import date

import pytest
from openpyxl import load_workbook

from antq_desktop.cli import main
from antq_desktop.enums import TipResult
from antq_desktop.services.activities import ActivityService, Kind, TipData


def test_audit_command_writes_the_trail(db, ward, tmp_path, capsys):
    ActivityService(db).save(Kind.TIP, TipData(date(2026, 3, 1), ward[0], "Tin báo", False,
                                               TipResult.PENDING, 0, ""),
                             today=date(2026, 3, 2))
    out = tmp_path / "nhat-ky.xlsx"
    url = db.url
    db.dispose()
    with pytest.raises(SystemExit) as done:
        main(["--db", url, "audit", "-o", str(out)])
    assert done.value.code == 0
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("Số", "Thời gian", "Người thực hiện", "Thao tác")
    assert ("Tin báo", "Nội dung") in {(r[4], r[6]) for r in rows[1:]}
    assert any(r[3] == "Thêm mới" and r[8] == "Tin báo" for r in rows[1:])
    with pytest.raises(SystemExit) as done:
        main(["--db", url, "audit", "--user", "không-có-ai", "-o", str(out)])
    assert done.value.code == 0 and load_workbook(out).active.max_row == 1
    with pytest.raises(SystemExit) as done:
        main(["--db", url, "audit", "--since", "31/02/2026", "-o", str(out)])
    assert done.value.code == 1 and "--since" in capsys.readouterr().err
