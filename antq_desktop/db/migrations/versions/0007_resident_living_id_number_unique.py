"""One living resident per ID number: a partial unique index, so that two saves at the same time
cannot both register the same number (the services' check runs before the insert).

A file that already holds duplicates cannot take the index: the upgrade stops with a Vietnamese
message giving how many (never the numbers: personal data) and rolls back, so the file stays at
0006 and usable by the previous version, where the duplicates can be corrected.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

from antq_desktop.db.engine import UpgradeRefused

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

LIVING = "id_number IS NOT NULL AND moved_out_on IS NULL"


def upgrade() -> None:
    bind = op.get_bind()
    # an empty number is no number (the services store NULL); old files may hold ''
    bind.execute(sa.text("UPDATE resident SET id_number = NULL WHERE id_number = ''"))
    numbers, people = bind.execute(sa.text(
        "SELECT count(*), coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM resident "
        f"WHERE {LIVING} GROUP BY id_number HAVING count(*) > 1) AS dup")).one()
    if numbers:
        raise UpgradeRefused(
            f"Không nâng cấp được cơ sở dữ liệu: có {numbers} số định danh cá nhân đang được ghi "
            f"cho hơn một người đang cư trú ({people} nhân khẩu). Phiên bản này không cho phép "
            "hai người đang cư trú trùng số định danh. Hãy mở cơ sở dữ liệu bằng phiên bản "
            "ANTQ Desktop trước, sửa các số bị trùng (tìm theo số định danh ở danh sách hộ), "
            "rồi mở lại bằng phiên bản này.")
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.create_index('uq_resident_living_id_number', ['id_number'], unique=True,
                              sqlite_where=sa.text(LIVING), postgresql_where=sa.text(LIVING))


def downgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index('uq_resident_living_id_number')
