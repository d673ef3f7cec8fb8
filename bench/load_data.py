"""The benchmarks' database: a fresh PostgreSQL database, or the demo with residents who can vote.

Shared by bench/load.py (over HTTP) and bench/request_cpu.py (in process).
"""

from __future__ import annotations

PASSWORD = "bench voter password"
BENCH_SETTINGS = {
    "SECRET_KEY": "bench-secret",
    "AUDIT_PSEUDONYM_KEY": "bench-audit-key",
    "PASSWORD_HASHING": "cheapest-for-tests",
}


def build(url: str, voters: int) -> tuple[int, int]:
    """A migrated database with the demo and `voters` residents of the voting round's ward.

    Returns (voting round id, published round id)."""
    import sqlalchemy as sa
    from argon2 import PasswordHasher, profiles
    from flask_migrate import upgrade

    from bench.bare_app import create_tables
    from pb import create_app, demo
    from pb.accounts.models import Role, User
    from pb.db import utcnow, writing
    from pb.eligibility import demo as census_demo
    from pb.extensions import db
    from pb.rounds.models import Phase, Round

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **BENCH_SETTINGS})
    with app.app_context():
        upgrade()
        with writing():
            demo.load()
            db.session.commit()
        # the demo's census-verified round (the pairwise one has no project fields to tick)
        voting = db.session.scalar(
            sa.select(Round)
            .where(Round.phase == Phase.VOTING, Round.ballot_format != "pairwise")
            .order_by(Round.id)
        )
        published = db.session.scalar(sa.select(Round.id).where(Round.phase == Phase.PUBLISHED))
        hashed = PasswordHasher.from_parameters(profiles.CHEAPEST).hash(PASSWORD)
        with writing():
            db.session.add_all(
                User(
                    email=f"voter{n}@load.test",
                    display_name=f"Voter {n}",
                    password_hash=hashed,
                    role=Role.CITIZEN,
                    home_ward_id=min(voting.ward_ids),
                    email_verified_at=utcnow(),
                )
                for n in range(voters)
            )
            db.session.flush()
            # one census entry each, bound as if every voter had verified (pb.eligibility)
            load_voters = db.session.scalars(sa.select(User).where(User.email.like("%@load.test")))
            admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN))
            census_demo.populate(admin, list(load_voters), [])
            db.session.commit()
        ids = voting.id, published
        db.engine.dispose()
    create_tables(url)
    return ids


def fresh_postgres(url: str) -> bool:
    """Drop and recreate the bench database; False when no server answers."""
    import sqlalchemy as sa

    base, name = url.rsplit("/", 1)
    engine = sa.create_engine(
        base.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()
