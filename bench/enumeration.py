"""Benchmark: do register and reset take the same time for a known and an unknown address?

    .venv/bin/python bench/enumeration.py [--repeat 15]

A fresh SQLite database (migrations), production's argon2 parameters (RFC 9106 low memory), rate
limits off; one known account. Posts the registration and the reset forms --repeat times for the
known address and for fresh unknown ones, interleaved, through the whole Flask stack, and prints
the median and spread of each. Both branches hash one password (pb/accounts/recovery.py), so the
medians should differ by far less than one argon2 hash; the unknown registration also inserts
the account (one more row), the known one does not.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flask_migrate import upgrade  # noqa: E402

from pb import create_app  # noqa: E402
from pb.accounts import services as accounts  # noqa: E402
from pb.accounts.models import Role  # noqa: E402
from pb.db import writing  # noqa: E402
from pb.extensions import db  # noqa: E402
from pb.wards import services as wards  # noqa: E402

PASSWORD = "a long enough password"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pb-bench-enum-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "SECRET_KEY": "bench",
            "AUDIT_PSEUDONYM_KEY": "bench",
            "CENSUS_HMAC_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade()
        with writing():
            ward = wards.save_ward(None, "B", "Bench ward", actor=None)
            accounts.create_staff_user("known@example.org", "K", PASSWORD, Role.CITIZEN)
            db.session.commit()
        ward_id = ward.id
    client = app.test_client()
    times: dict[str, list[float]] = {}
    for n in range(args.repeat):
        for kind, email in (("known", "known@example.org"), ("unknown", f"new{n}@example.org")):
            form = {"email": email, "display_name": "R", "password": PASSWORD}
            form |= {"confirm": PASSWORD, "home_ward": str(ward_id), "postcode": ""}
            for path, data in (("/register", form), ("/reset", {"email": email})):
                started = time.perf_counter()
                status = client.post(path, data=data).status_code
                times.setdefault(f"{path} {kind} ({status})", []).append(
                    (time.perf_counter() - started) * 1000
                )
    for name, values in sorted(times.items()):
        spread = statistics.quantiles(values, n=4)
        print(
            f"{name:28} median {statistics.median(values):7.1f} ms"
            f"   quartiles {spread[0]:7.1f} – {spread[2]:7.1f} ms   (n={len(values)})"
        )


if __name__ == "__main__":
    main()
