"""Alembic environment: runs on the engine handed over in ``config.attributes``."""

from alembic import context

from antq_desktop.db.models import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the FTS5 index (made by db/search.py, not by models) out of autogenerate."""
    return not (type_ == "table" and name.startswith("household_fts"))


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
