"""The Alembic migrations: a full round trip on an empty database, and agreement with the models.

SQLite always; PostgreSQL too when PORTAL_TEST_DATABASE_URL is set, in a throw-away schema so the
shared test database is left alone.
"""

import json
import secrets
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from portal.extensions import db
from tests.conftest import POSTGRES_URL, build_app


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PORTAL_TEST_DATABASE_URL is not set")
    schema = f"migration_test_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(POSTGRES_URL, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_app(empty_database_url):
    app = build_app(empty_database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


def _tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def _leftovers(app) -> list:
    """Triggers, indexes, functions and sequences not owned by alembic_version."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            return connection.execute(
                text(
                    "SELECT type, name FROM sqlite_master "
                    "WHERE name NOT LIKE 'sqlite_%' AND tbl_name != 'alembic_version' "
                    "AND type != 'table'"
                )
            ).all()
        return connection.execute(
            text(
                "SELECT 'function', p.proname FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() "
                "UNION ALL SELECT 'type', t.typname FROM pg_type t "
                "JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd') "
                "UNION ALL SELECT 'sequence', c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'S'"
            )
        ).all()


def _model_tables() -> set[str]:
    return set(db.metadata.tables)


def _differences(app) -> list:
    """What ``flask db migrate`` would put in a new revision (same options as migrations/env.py)."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _kind(difference) -> str:
    # Column changes come as a list of ("modify_...", ...) tuples, the rest as one tuple.
    return difference[0][0] if isinstance(difference, list) else difference[0]


def test_upgrade_downgrade_upgrade_round_trip(empty_app):
    assert _tables(empty_app) == set()

    with empty_app.app_context():
        upgrade()
    assert _tables(empty_app) == _model_tables() | {"alembic_version"}

    with empty_app.app_context():
        downgrade(revision="base")
    assert _tables(empty_app) == {"alembic_version"}
    assert _leftovers(empty_app) == []

    with empty_app.app_context():
        upgrade()
    assert _tables(empty_app) == _model_tables() | {"alembic_version"}
    assert _differences(empty_app) == []


def test_models_and_migrations_agree(empty_app):
    with empty_app.app_context():
        upgrade()

    differences = _differences(empty_app)

    assert differences == [], "the models differ from the migrated schema:\n" + "\n".join(
        map(repr, differences)
    )


def test_audit_log_is_append_only_after_a_fresh_migration(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_events (at, action, entry_hash) "
                    "VALUES (CURRENT_TIMESTAMP, 'test', 'x')"
                )
            )
        for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
            with (
                pytest.raises(DBAPIError, match="append-only"),
                db.engine.begin() as connection,
            ):
                connection.execute(text(statement))


def test_the_model_check_does_notice_a_difference(empty_app):
    """Guard for the check above: a schema that drifted from the models is reported."""
    with empty_app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE stray (id INTEGER PRIMARY KEY)"))
            connection.execute(text("DROP INDEX ix_outbox_messages_recipient"))

    kinds = {_kind(difference) for difference in _differences(empty_app)}

    assert {"remove_table", "add_index"} <= kinds


def _insert(connection, table: str, **values) -> int:
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    # Table and column names are this test's own literals.
    insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    connection.execute(text(insert), values)
    return connection.execute(text(f"SELECT max(id) FROM {table}")).scalar_one()  # noqa: S608


def test_a_positions_single_offer_becomes_its_first_workers_and_back(empty_app):
    """Issue 8: positions.offer moves to a Worker; findings stored about it are renamed."""
    import json

    with empty_app.app_context():
        upgrade(revision="5e1f0a7c2b11")
        now = "2026-12-04 09:00:00"
        offer = {"worker_name": "Amadou Diallo", "language": "fr", "start_date": "2027-03-01"}
        with db.engine.begin() as connection:
            user = _insert(
                connection,
                "users",
                email="o@example.com",
                full_name="O",
                password_hash="x",
                locale="en",
                is_active=True,
                password_changed_at=now,
                created_at=now,
            )
            employer = _insert(
                connection,
                "employers",
                legal_name="E Inc.",
                business_number="123456789",
                street_address="1 Main",
                city="Toronto",
                province="ON",
                postal_code="M5V 2A9",
                phone="416-555-0100",
                created_at=now,
                version=1,
            )
            common = {
                "employer_id": employer,
                "noc_code": "63200",
                "stream": "low_wage",
                "is_caregiver": False,
                "is_seasonal": False,
                "quebec_facilitated": False,
                "street_address": "1 Main",
                "city": "Toronto",
                "province": "ON",
                "postal_code": "M5V 2A9",
                "wage_amount": 17.5,
                "wage_per": "hour",
                "hours_per_week": 40,
                "positions": 1,
                "duration_months": 12,
                "duties": "Cook",
                "legal_hold": False,
                "version": 1,
                "created_at": now,
            }
            with_offer = _insert(
                connection, "positions", title="Line cook", offer=json.dumps(offer), **common
            )
            without = _insert(connection, "positions", title="Chef", **common)
            for position, subject in (
                (with_offer, "offer"),
                (with_offer, "offer.deductions[0]"),
                (with_offer, "recruitment[0]"),
                (without, "offer"),  # no offer to move: left as it was
            ):
                _insert(
                    connection,
                    "waivers",
                    employer_id=employer,
                    position_id=position,
                    rule_id="OFFER-CORE",
                    subject=subject,
                    reason="r",
                    waived_by_id=user,
                    created_at=now,
                )

        upgrade()
        with db.engine.connect() as connection:
            workers = connection.execute(
                text("SELECT position_id, name, language, planned_start_date, offer FROM workers")
            ).all()
            subjects = connection.execute(
                text("SELECT position_id, subject FROM waivers ORDER BY id")
            ).all()
        assert [(w[0], w[1], w[2], str(w[3])) for w in workers] == [
            (with_offer, "Amadou Diallo", "fr", "2027-03-01")
        ]
        stored = workers[0][4]
        assert (json.loads(stored) if isinstance(stored, str) else stored) == offer
        assert subjects == [
            (with_offer, "workers[0].offer"),
            (with_offer, "workers[0].offer.deductions[0]"),
            (with_offer, "recruitment[0]"),
            (without, "offer"),
        ]

        downgrade(revision="5e1f0a7c2b11")
        with db.engine.connect() as connection:
            back = connection.execute(
                text("SELECT offer FROM positions WHERE id = :id"), {"id": with_offer}
            ).scalar_one()
        assert (json.loads(back) if isinstance(back, str) else back) == offer


# Issue 9: positions.third_parties / payments / document_custody (JSON) become tables.
BEFORE_PROTECTION = "wk8a1b2c3d4e"
PROTECTION = "wp9a1b2c3d4e"
NOW = "2026-12-04 09:00:00"
PARTIES = (
    "employer",
    "owner",
    "worker",
    "worker_family",
    "recruiter",
    "representative",
    "government",
    "other",
)
PURPOSES_V1 = (
    "recruitment_fee",
    "placement_fee",
    "lmia_fee",
    "representative_fee",
    "processing_fee",
    "job_offer",
    "travel",
    "health_insurance",
    "housing",
    "wages",
    "wages_returned",
    "loan",
    "loan_repayment",
    "training",
    "statutory",
    "other",
)
VIAS = ("transfer", "cash", "deduction", "cheque", "card", "other")
# What lmia-case/1 files (and so the JSON columns) held: numbers, not strings, for amounts.
AMOUNTS = (3000.1, 3000, 0, 1234.56, 0.01, 9999999999.99, 19.99, 250.5)
THIRD_PARTIES = [
    {
        "name": "Global Kitchen Staffing",
        "role": "recruiter",
        "province": "ON",
        "paid": True,
        "licence_number": "RL-2026-0042",
    },
    {
        "name": "Maître Chantal Roy",
        "role": "representative",
        "province": "QC",
        "paid": False,
        "cicc_number": "R512345",
        "law_society": "Barreau du Québec",
    },
    {"name": "Cousin Ali", "role": "recruiter"},
]
# Every purpose, every payer and payee, every way of paying, with and without a date and a way.
PAYMENTS = [
    {
        "payer": PARTIES[i % len(PARTIES)],
        "payee": PARTIES[(i + 3) % len(PARTIES)],
        "amount": AMOUNTS[i % len(AMOUNTS)],
        "purpose": purpose,
    }
    | ({"date": f"2026-{1 + i % 12:02d}-{1 + 2 * i:02d}"} if i % 5 else {})
    | ({"via": VIAS[i % len(VIAS)]} if i % 7 != 6 else {})
    for i, purpose in enumerate(PURPOSES_V1)
]
CUSTODY = [
    {"document": "passport", "held_by": "employer", "since": "2026-10-01"},
    {"document": "work_permit", "held_by": "recruiter"},
    {"document": "other", "held_by": "owner", "since": "2027-02-28"},
    {"document": "passport", "held_by": "other"},
]
CHEF_LISTS = {
    "third_parties": [{"name": "Chef Placement Ltd.", "role": "recruiter", "province": "BC"}],
    "payments": [
        {
            "date": "2026-11-30",
            "payer": "employer",
            "payee": "recruiter",
            "amount": 1500.25,
            "purpose": "recruitment_fee",
            "via": "transfer",
        }
    ],
    "document_custody": None,
}


def _owner_and_employer(connection) -> tuple[int, int]:
    user = _insert(
        connection,
        "users",
        email="o@example.com",
        full_name="O",
        password_hash="x",
        locale="en",
        is_active=True,
        password_changed_at=NOW,
        created_at=NOW,
    )
    employer = _insert(
        connection,
        "employers",
        legal_name="E Inc.",
        business_number="123456789",
        street_address="1 Main",
        city="Toronto",
        province="ON",
        postal_code="M5V 2A9",
        phone="416-555-0100",
        created_at=NOW,
        version=1,
    )
    return user, employer


def _position(connection, employer: int, title: str, **lists) -> int:
    encoded = {key: json.dumps(value) for key, value in lists.items() if value is not None}
    return _insert(
        connection,
        "positions",
        employer_id=employer,
        title=title,
        noc_code="63200",
        stream="low_wage",
        is_caregiver=False,
        is_seasonal=False,
        quebec_facilitated=False,
        street_address="1 Main",
        city="Toronto",
        province="ON",
        postal_code="M5V 2A9",
        wage_amount=17.5,
        wage_per="hour",
        hours_per_week=40,
        positions=1,
        duration_months=12,
        duties="Cook",
        legal_hold=False,
        version=1,
        created_at=NOW,
        **encoded,
    )


def _json_lists(connection, position: int) -> dict:
    row = connection.execute(
        text("SELECT third_parties, payments, document_custody FROM positions WHERE id = :id"),
        {"id": position},
    ).one()
    return {
        key: json.loads(value) if isinstance(value, str) else value
        for key, value in zip(("third_parties", "payments", "document_custody"), row, strict=True)
    }


def _typed(connection, query: str, **types):
    """Rows of ``query`` with the named columns read as SQLAlchemy types (exact decimals, dates)."""
    statement = text(query).columns(**types)
    return [dict(row) for row in connection.execute(statement).mappings()]


def _columns(app, table: str) -> set[str]:
    with app.app_context():
        return {column["name"] for column in inspect(db.engine).get_columns(table)}


def _position_columns(app) -> set[str]:
    return _columns(app, "positions")


def test_third_parties_payments_and_custody_move_into_tables_in_order_and_back(empty_app):
    """Issue 9: every JSON field arrives in its table column exactly (decimals, dates, order),
    other positions keep theirs, and the downgrade gives back the very JSON that went in."""
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import Boolean, Date, Integer, Numeric

    with empty_app.app_context():
        upgrade(revision=BEFORE_PROTECTION)
        with db.engine.begin() as connection:
            _, employer = _owner_and_employer(connection)
            cook = _position(
                connection,
                employer,
                "Line cook",
                third_parties=THIRD_PARTIES,
                payments=PAYMENTS,
                document_custody=CUSTODY,
            )
            chef = _position(connection, employer, "Chef", **CHEF_LISTS)
            bare = _position(connection, employer, "Dishwasher")
            empty = _position(
                connection, employer, "Baker", third_parties=[], payments=[], document_custody=[]
            )

        upgrade(revision=PROTECTION)
        with db.engine.connect() as connection:
            third_parties = _typed(
                connection,
                "SELECT id, employer_id, position_id, name, role, province, paid, "
                "licence_number, cicc_number, law_society, contract_evidence_id, "
                "contract_forbids_worker_fees, version FROM third_parties ORDER BY id",
                paid=Boolean,
            )
            payments = _typed(
                connection,
                "SELECT id, employer_id, position_id, paid_on, payer, payee, amount, purpose, "
                "via, worker_id, third_party_id, note FROM payments ORDER BY id",
                paid_on=Date,
                amount=Numeric(12, 2),
            )
            custody = _typed(
                connection,
                "SELECT id, employer_id, position_id, worker_id, document, held_by, since "
                "FROM document_custody ORDER BY id",
                since=Date,
                worker_id=Integer,
            )
            programs = connection.execute(text("SELECT program FROM positions")).scalars().all()
            attestations = connection.execute(text("SELECT count(*) FROM attestations")).scalar()
        assert {"third_parties", "payments", "document_custody"}.isdisjoint(
            _position_columns(empty_app)
        )

    third_party_fields = (
        "name",
        "role",
        "province",
        "paid",
        "licence_number",
        "cicc_number",
        "law_society",
    )
    expected_third_parties = [
        (cook, *(item.get(field) for field in third_party_fields)) for item in THIRD_PARTIES
    ] + [
        (chef, *(item.get(field) for field in third_party_fields))
        for item in CHEF_LISTS["third_parties"]
    ]
    assert [
        (row["position_id"], *(row[field] for field in third_party_fields)) for row in third_parties
    ] == expected_third_parties
    assert {row["employer_id"] for row in third_parties} == {employer}
    assert {
        (row["contract_evidence_id"], row["contract_forbids_worker_fees"], row["version"])
        for row in third_parties
    } == {(None, None, 1)}

    def expected_payment(position, item):
        return (
            position,
            date.fromisoformat(item["date"]) if "date" in item else None,
            item["payer"],
            item["payee"],
            # The amount exactly, in cents: 3000.1 is $3,000.10, not 3000.09999…
            Decimal(str(item["amount"])).quantize(Decimal("0.01")),
            item["purpose"],
            item.get("via"),
        )

    assert [
        (
            row["position_id"],
            row["paid_on"],
            row["payer"],
            row["payee"],
            row["amount"],
            row["purpose"],
            row["via"],
        )
        for row in payments
    ] == [expected_payment(cook, item) for item in PAYMENTS] + [
        expected_payment(chef, item) for item in CHEF_LISTS["payments"]
    ]
    assert [str(row["amount"]) for row in payments][:3] == ["3000.10", "3000.00", "0.00"]
    assert "9999999999.99" in [str(row["amount"]) for row in payments]
    assert {row["employer_id"] for row in payments} == {employer}
    assert {(row["worker_id"], row["third_party_id"], row["note"]) for row in payments} == {
        (None, None, None)
    }
    # Every purpose, party and way the JSON could hold made it across.
    assert {row["purpose"] for row in payments} == set(PURPOSES_V1)
    assert {row["payer"] for row in payments} == set(PARTIES)
    assert {row["payee"] for row in payments} == set(PARTIES)
    assert {row["via"] for row in payments} == set(VIAS) | {None}

    assert [
        (row["position_id"], row["document"], row["held_by"], row["since"], row["worker_id"])
        for row in custody
    ] == [
        (
            cook,
            item["document"],
            item["held_by"],
            date.fromisoformat(item["since"]) if "since" in item else None,
            None,
        )
        for item in CUSTODY
    ]
    assert {row["employer_id"] for row in custody} == {employer}
    assert programs == [None, None, None, None]
    assert attestations == 0
    assert not {bare, empty} & {
        row["position_id"] for rows in (third_parties, payments, custody) for row in rows
    }

    with empty_app.app_context():
        downgrade(revision=BEFORE_PROTECTION)
        with db.engine.connect() as connection:
            assert _json_lists(connection, cook) == {
                "third_parties": THIRD_PARTIES,
                "payments": PAYMENTS,
                "document_custody": CUSTODY,
            }
            assert _json_lists(connection, chef) == CHEF_LISTS
            assert _json_lists(connection, bare) == dict.fromkeys(
                ("third_parties", "payments", "document_custody")
            )
            # Empty lists come back as no list: the same to every reader of these columns.
            assert _json_lists(connection, empty) == dict.fromkeys(
                ("third_parties", "payments", "document_custody")
            )
    assert {"third_parties", "payments", "document_custody", "attestations"}.isdisjoint(
        _tables(empty_app)
    )
    assert "program" not in _position_columns(empty_app)


def _head_case(connection) -> dict[str, int]:
    """At head: a position with what lmia-case/1 can hold, entered in the tables, and a worker."""
    user, employer = _owner_and_employer(connection)
    position = _position(connection, employer, "Line cook")
    other = _position(connection, employer, "Chef")
    worker = _insert(
        connection,
        "workers",
        employer_id=employer,
        position_id=position,
        name="Aminata Koné",
        version=1,
        created_at=NOW,
    )
    where = {"employer_id": employer, "position_id": position, "created_at": NOW}
    _insert(
        connection,
        "third_parties",
        name="Global Kitchen Staffing",
        role="recruiter",
        province="ON",
        paid=True,
        version=1,
        **where,
    )
    _insert(
        connection,
        "third_parties",
        name="Maître Chantal Roy",
        role="representative",
        cicc_number="R512345",
        law_society="Barreau du Québec",
        paid=False,
        version=1,
        **where,
    )
    _insert(
        connection,
        "payments",
        paid_on="2026-10-01",
        payer="worker",
        payee="recruiter",
        amount="3000.10",
        purpose="processing_fee",
        via="cash",
        **where,
    )
    _insert(
        connection,
        "payments",
        payer="employer",
        payee="representative",
        amount="1500.00",
        purpose="representative_fee",
        **where,
    )
    _insert(connection, "document_custody", document="passport", held_by="recruiter", **where)
    _insert(
        connection,
        "document_custody",
        document="work_permit",
        held_by="employer",
        since="2026-11-15",
        **where,
    )
    return {
        "user": user,
        "employer": employer,
        "position": position,
        "other": other,
        "worker": worker,
    }


HEAD_CASE_JSON = {
    "third_parties": [
        {"name": "Global Kitchen Staffing", "role": "recruiter", "province": "ON", "paid": True},
        {
            "name": "Maître Chantal Roy",
            "role": "representative",
            "paid": False,
            "cicc_number": "R512345",
            "law_society": "Barreau du Québec",
        },
    ],
    "payments": [
        {
            "date": "2026-10-01",
            "payer": "worker",
            "payee": "recruiter",
            "amount": 3000.1,
            "purpose": "processing_fee",
            "via": "cash",
        },
        {
            "payer": "employer",
            "payee": "representative",
            "amount": 1500,
            "purpose": "representative_fee",
        },
    ],
    "document_custody": [
        {"document": "passport", "held_by": "recruiter"},
        {"document": "work_permit", "held_by": "employer", "since": "2026-11-15"},
    ],
}


def _answered_attestation(connection, ids, **extra) -> int:
    return _insert(
        connection,
        "attestations",
        worker_id=ids["worker"],
        employer_id=ids["employer"],
        position_id=ids["position"],
        token_hash=secrets.token_hex(32),
        language="fr",
        created_by_id=ids["user"],
        expires_at="2026-12-18 09:00:00",
        created_at=NOW,
        **extra,
    )


def _add_what_the_json_cannot_hold(connection, kind: str, ids: dict[str, int]) -> None:
    where = {"employer_id": ids["employer"], "position_id": ids["position"], "created_at": NOW}
    third_party = {"name": "Recruit Co.", "role": "recruiter", "version": 1}
    payment = {"payer": "worker", "payee": "recruiter", "amount": "10.00", **where}
    if kind == "answered attestation":
        _answered_attestation(
            connection,
            ids,
            answered_at="2026-12-03 10:00:00",
            answered_ip="203.0.113.7",
            answers='{"paid": false}',
        )
    elif kind == "unanswered attestation":
        _answered_attestation(connection, ids)
    elif kind == "employer-wide third party":
        _insert(
            connection,
            "third_parties",
            employer_id=ids["employer"],
            position_id=None,
            created_at=NOW,
            **third_party,
        )
    elif kind == "contract on file":
        evidence = _insert(
            connection,
            "evidence_files",
            employer_id=ids["employer"],
            category="other",
            original_filename="contract.pdf",
            content_type="application/pdf",
            extension="pdf",
            size_bytes=1,
            sha256="0" * 64,
            storage_key="k",
            uploaded_by_id=ids["user"],
            review_status="pending",
            created_at=NOW,
        )
        _insert(connection, "third_parties", contract_evidence_id=evidence, **where, **third_party)
    elif kind == "no-fee clause":
        _insert(
            connection,
            "third_parties",
            contract_forbids_worker_fees=False,
            **where,
            **third_party,
        )
    elif kind == "payment's worker":
        _insert(connection, "payments", purpose="travel", worker_id=ids["worker"], **payment)
    elif kind == "payment's third party":
        first = connection.execute(text("SELECT min(id) FROM third_parties")).scalar_one()
        _insert(connection, "payments", purpose="travel", third_party_id=first, **payment)
    elif kind == "payment's note":
        _insert(connection, "payments", purpose="travel", note="bus ticket", **payment)
    elif kind == "new purpose":
        _insert(connection, "payments", purpose="utilities", **payment)
    elif kind == "custody's worker":
        _insert(
            connection,
            "document_custody",
            document="passport",
            held_by="owner",
            worker_id=ids["worker"],
            **where,
        )
    elif kind == "program":
        connection.execute(
            text("UPDATE positions SET program = 'sawp' WHERE id = :id"), {"id": ids["other"]}
        )
    else:  # pragma: no cover - a typo in the parameters below
        raise AssertionError(kind)


def _state(app) -> dict:
    """Everything the refused downgrade must leave as it was."""
    with app.app_context(), db.engine.connect() as connection:
        contents = {
            table: connection.execute(
                text(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - this test's names
            ).all()
            for table in (
                "positions",
                "workers",
                "third_parties",
                "payments",
                "document_custody",
                "attestations",
            )
        }
        version = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return {
        "version": version,
        "tables": _tables(app),
        "positions": _position_columns(app),
        "leftovers": sorted(_leftovers(app)),
        "trigger": _answers_final_trigger(app),
        **contents,
    }


def _answers_final_trigger(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'attest%'"
        else:
            query = (
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND t.tgname LIKE 'attest%'"
            )
        return connection.execute(text(query)).scalars().all()


def _alembic_downgrade(app, revision: str) -> None:
    """Alembic's own command: Flask-Migrate's would turn the refusal into a logged exit."""
    from alembic import command

    with app.app_context():
        command.downgrade(app.extensions["migrate"].migrate.get_config(), revision)


def _alembic_upgrade(app) -> None:
    from alembic import command

    with app.app_context():
        command.upgrade(app.extensions["migrate"].migrate.get_config(), PROTECTION)


def test_a_downgrade_from_head_gives_the_tables_back_as_the_json_lists(empty_app):
    with empty_app.app_context():
        upgrade(revision=PROTECTION)
        with db.engine.begin() as connection:
            ids = _head_case(connection)

    _alembic_downgrade(empty_app, BEFORE_PROTECTION)

    with empty_app.app_context(), db.engine.connect() as connection:
        assert _json_lists(connection, ids["position"]) == HEAD_CASE_JSON
        assert _json_lists(connection, ids["other"]) == dict.fromkeys(HEAD_CASE_JSON)
        assert connection.execute(text("SELECT name FROM workers")).scalars().all() == [
            "Aminata Koné"
        ]


@pytest.mark.parametrize(
    ("kind", "named"),
    [
        ("answered attestation", "worker attestations"),
        ("unanswered attestation", "worker attestations"),
        ("employer-wide third party", "third parties of the whole employer"),
        ("contract on file", "third parties with a contract on file"),
        ("no-fee clause", "its no-fee clause"),
        ("payment's worker", "payments linked to a worker"),
        ("payment's third party", "payments linked to a worker or a third party"),
        ("payment's note", "or with a note"),
        ("new purpose", "payments with a purpose lmia-case/1 does not know"),
        ("custody's worker", "document custody linked to a worker"),
        ("program", "positions with an agricultural program"),
    ],
)
def test_a_downgrade_that_would_lose_data_is_refused_and_changes_nothing(empty_app, kind, named):
    import re

    with empty_app.app_context():
        upgrade(revision=PROTECTION)
        with db.engine.begin() as connection:
            ids = _head_case(connection)
            _add_what_the_json_cannot_hold(connection, kind, ids)
    before = _state(empty_app)
    assert before["version"] == [(PROTECTION,)]
    assert before["trigger"] == ["attestations_answers_final"]

    with pytest.raises(RuntimeError, match=r"^Downgrade refused: .*" + re.escape(named)) as refusal:
        _alembic_downgrade(empty_app, BEFORE_PROTECTION)

    assert "Back up and remove them first." in str(refusal.value)
    # Only what was found is named.
    assert str(refusal.value).count(";") == 0
    assert _state(empty_app) == before


def test_answered_attestations_are_final_at_head_and_the_trigger_leaves_with_the_downgrade(
    empty_app,
):
    with empty_app.app_context():
        upgrade(revision=BEFORE_PROTECTION)
    at_previous = sorted(_leftovers(empty_app))
    assert _answers_final_trigger(empty_app) == []

    with empty_app.app_context():
        upgrade(revision=PROTECTION)
        with db.engine.begin() as connection:
            ids = _head_case(connection)
            answered = _answered_attestation(
                connection,
                ids,
                answered_at="2026-12-03 10:00:00",
                answered_ip="203.0.113.7",
                answers='{"paid": true}',
            )
            pending = _answered_attestation(connection, ids)
    assert _answers_final_trigger(empty_app) == ["attestations_answers_final"]

    with empty_app.app_context():
        for statement in (
            "UPDATE attestations SET answers = '{\"paid\": false}' WHERE id = :id",
            "UPDATE attestations SET answered_at = NULL WHERE id = :id",
        ):
            with (
                pytest.raises(DBAPIError, match="an answered attestation is final"),
                db.engine.begin() as connection,
            ):
                connection.execute(text(statement), {"id": answered})
        # Answering a pending one is the update the trigger lets through.
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE attestations SET answered_at = '2026-12-04 08:00:00', "
                    "answers = '{\"paid\": false}' WHERE id = :id"
                ),
                {"id": pending},
            )
        with db.engine.connect() as connection:
            answers = (
                connection.execute(text("SELECT answers FROM attestations ORDER BY id"))
                .scalars()
                .all()
            )
        assert [a if isinstance(a, dict) else json.loads(a) for a in answers] == [
            {"paid": True},
            {"paid": False},
        ]
        # The downgrade refuses while attestations exist; once they are removed it goes through.
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM attestations"))
        downgrade(revision=BEFORE_PROTECTION)

    assert _answers_final_trigger(empty_app) == []
    assert sorted(_leftovers(empty_app)) == at_previous
    assert "attestations_answers_final" not in {name for _, name in _leftovers(empty_app)}


def _state_before_protection(app) -> dict:
    with app.app_context(), db.engine.connect() as connection:
        positions = connection.execute(text("SELECT * FROM positions ORDER BY id")).all()
        version = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return {
        "version": version,
        "tables": _tables(app),
        "positions": _position_columns(app),
        "rows": positions,
        "leftovers": sorted(_leftovers(app)),
    }


@pytest.mark.parametrize(
    ("column", "bad", "good", "named"),
    [
        (
            "third_parties",
            {"name": "N" * 201, "role": "recruiter"},
            {"name": "N" * 200, "role": "recruiter"},
            "third_parties[1].name is longer than 200 characters",
        ),
        (
            "third_parties",
            {"name": "R", "role": "recruiter", "licence_number": "L" * 61},
            {"name": "R", "role": "recruiter", "licence_number": "L" * 60},
            "third_parties[1].licence_number is longer than 60 characters",
        ),
        (
            "third_parties",
            {"name": "R", "role": "representative", "cicc_number": "R" * 21},
            {"name": "R", "role": "representative", "cicc_number": "R" * 20},
            "third_parties[1].cicc_number is longer than 20 characters",
        ),
        (
            "third_parties",
            {"name": "R", "role": "representative", "law_society": "S" * 201},
            {"name": "R", "role": "representative", "law_society": "S" * 200},
            "third_parties[1].law_society is longer than 200 characters",
        ),
        (
            "payments",
            {"payer": "worker", "payee": "recruiter", "amount": -0.01, "purpose": "other"},
            {"payer": "worker", "payee": "recruiter", "amount": 0, "purpose": "other"},
            "payments[1].amount -0.01 is not between 0",
        ),
        (
            "payments",
            {"payer": "worker", "payee": "recruiter", "amount": 10000000000, "purpose": "loan"},
            {"payer": "worker", "payee": "recruiter", "amount": 9999999999.99, "purpose": "loan"},
            "payments[1].amount 10000000000 is not between 0",
        ),
        (
            "payments",
            {"payer": "worker", "payee": "recruiter", "amount": 10.005, "purpose": "travel"},
            {"payer": "worker", "payee": "recruiter", "amount": 10.01, "purpose": "travel"},
            "payments[1].amount 10.005 is not between 0 and 9999999999.99 in whole cents",
        ),
    ],
)
def test_an_upgrade_the_tables_cannot_hold_is_refused_before_any_change(
    empty_app, column, bad, good, named
):
    """lmia-case/1 let these through. Refused up front: on SQLite, whose DDL does not roll back,
    a refusal half-way used to leave the new tables beside the old columns."""
    import re

    lists = {
        "third_parties": [THIRD_PARTIES[0]],
        "payments": [PAYMENTS[0]],
        "document_custody": [CUSTODY[0]],
    }
    with empty_app.app_context():
        upgrade(revision=BEFORE_PROTECTION)
        with db.engine.begin() as connection:
            _, employer = _owner_and_employer(connection)
            position = _position(
                connection, employer, "Line cook", **(lists | {column: [lists[column][0], bad]})
            )
    before = _state_before_protection(empty_app)

    with pytest.raises(
        RuntimeError, match=rf"^Upgrade refused: .*position {position} {re.escape(named)}"
    ):
        _alembic_upgrade(empty_app)

    assert _state_before_protection(empty_app) == before

    # Corrected to the boundary, it goes through and arrives as it was.
    with empty_app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                text(f"UPDATE positions SET {column} = :value WHERE id = :id"),  # noqa: S608
                {"value": json.dumps([lists[column][0], good]), "id": position},
            )
        upgrade(revision=PROTECTION)
        downgrade(revision=BEFORE_PROTECTION)
        with db.engine.connect() as connection:
            assert _json_lists(connection, position) == lists | {column: [lists[column][0], good]}


# --- After the LMIA (rd10a1b2c3d4e): new tables and columns only; existing people get reminders.
AFTER_LMIA = "rd10a1b2c3d4e"


def test_after_the_lmia_gives_existing_people_weekly_reminders_and_refuses_a_lossy_downgrade(
    empty_app,
):
    with empty_app.app_context():
        upgrade(revision=PROTECTION)
        with db.engine.begin() as connection:
            ids = _head_case(connection)
        upgrade(revision=AFTER_LMIA)
        with db.engine.begin() as connection:
            assert set(
                connection.execute(text("SELECT reminder_days_before FROM users")).scalars()
            ) == {7}
            connection.execute(
                text("UPDATE positions SET lmia_decision = 'approved' WHERE id = :id"),
                {"id": ids["position"]},
            )
    with pytest.raises(RuntimeError, match="LMIA decisions or exemptions on positions"):
        _alembic_downgrade(empty_app, PROTECTION)
    with empty_app.app_context(), db.engine.begin() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == AFTER_LMIA
        decision = connection.execute(
            text("SELECT lmia_decision FROM positions WHERE id = :id"), {"id": ids["position"]}
        ).scalar()
        assert decision == "approved"
        connection.execute(text("UPDATE positions SET lmia_decision = NULL"))
    _alembic_downgrade(empty_app, PROTECTION)
    assert "worker_roads" not in _tables(empty_app)


TWO_FACTOR = "sc11a1b2c3d4e"
ENCRYPTED = "ek11b2c3d4e5f"
OFFER = {"worker_name": "Aminata Koné", "lmia_number": "1234567", "title": "Line cook"}
INPUTS = {"language": "en", "lmia_number": "1234567", "employer_portal_offer_number": None}


def _identity_case(connection) -> dict[str, int]:
    """Before encryption: clear identity numbers in every place that keeps one."""
    ids = _head_case(connection)
    connection.execute(
        text(
            "UPDATE positions SET lmia_number = '1234567', lmia_decision = 'approved' "
            "WHERE id = :id"
        ),
        {"id": ids["position"]},
    )
    connection.execute(
        text("UPDATE workers SET offer = :offer WHERE id = :id"),
        {"offer": json.dumps(OFFER), "id": ids["worker"]},
    )
    ids["road"] = _insert(
        connection,
        "worker_roads",
        employer_id=ids["employer"],
        position_id=ids["position"],
        worker_id=ids["worker"],
        permit_number="U104527391",
        ircc_reference="W307418265",
        offer_of_employment_number="A0729183",
        version=1,
        created_at=NOW,
    )
    ids["version"] = _insert(
        connection,
        "offer_versions",
        employer_id=ids["employer"],
        position_id=ids["position"],
        worker_id=ids["worker"],
        number=1,
        language="en",
        inputs=json.dumps(INPUTS),
        inputs_sha256="0" * 64,
        pdf_key="k.pdf",
        pdf_sha256="0" * 64,
        pdf_size=1,
        docx_key="k.docx",
        docx_sha256="0" * 64,
        docx_size=1,
        is_draft=True,
        created_by_id=ids["user"],
        created_at=NOW,
    )
    return ids


def _identity_rows(connection) -> dict:
    def one(query):
        value = connection.execute(text(query)).scalar_one()
        return json.loads(value) if isinstance(value, str) and value.startswith("{") else value

    return {
        "lmia": one("SELECT lmia_number FROM positions WHERE lmia_number IS NOT NULL"),
        "permit": one("SELECT permit_number FROM worker_roads"),
        "ircc": one("SELECT ircc_reference FROM worker_roads"),
        "portal": one("SELECT offer_of_employment_number FROM worker_roads"),
        "offer": one("SELECT offer FROM workers"),
        "inputs": one("SELECT inputs FROM offer_versions"),
        "digest": one("SELECT inputs_sha256 FROM offer_versions"),
    }


def test_identity_numbers_are_encrypted_by_the_upgrade_and_decrypted_by_the_downgrade(empty_app):
    import hashlib

    from portal.crypto import keyring

    def digest(inputs):
        canonical = json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    with empty_app.app_context():
        upgrade(revision=TWO_FACTOR)
        with db.engine.begin() as connection:
            _identity_case(connection)
            clear = _identity_rows(connection)
        upgrade(revision=ENCRYPTED)
        ring = keyring()
        with db.engine.begin() as connection:
            stored = _identity_rows(connection)
    for key in ("lmia", "permit", "ircc", "portal"):
        assert stored[key].startswith("gAAAAA") and ring.decrypt(stored[key]) == clear[key]
    assert ring.decrypt(stored["offer"]["lmia_number"]) == "1234567"
    assert ring.decrypt(stored["inputs"]["lmia_number"]) == "1234567"
    assert stored["offer"]["worker_name"] == "Aminata Koné"  # the rest of the offer as it was
    assert stored["inputs"]["employer_portal_offer_number"] is None
    # The stored digest no longer covers the identity numbers (one could be guessed back).
    assert stored["digest"] == digest({"language": "en"})
    # The models read what the migration wrote.
    from portal.models import Position, Worker
    from portal.models.road import WorkerRoad

    with empty_app.app_context():
        road = db.session.scalars(db.select(WorkerRoad)).one()
        assert (road.permit_number, road.ircc_reference) == ("U104527391", "W307418265")
        assert db.session.scalars(db.select(Worker)).one().offer == OFFER
        lmia = db.session.scalars(
            db.select(Position.lmia_number).where(Position.lmia_number.isnot(None))
        )
        assert lmia.one() == "1234567"
        db.session.remove()

    _alembic_downgrade(empty_app, TWO_FACTOR)
    with empty_app.app_context(), db.engine.begin() as connection:
        back = _identity_rows(connection)
    assert back == clear | {"digest": digest(INPUTS)}


@pytest.mark.parametrize("problem", ["too long", "unreadable"])
def test_a_downgrade_that_cannot_decrypt_back_is_refused_naming_the_row(empty_app, problem):
    from portal.crypto import Keyring, keyring

    with empty_app.app_context():
        upgrade(revision=TWO_FACTOR)
        with db.engine.begin() as connection:
            ids = _identity_case(connection)
        upgrade(revision=ENCRYPTED)
        if problem == "too long":  # written by something that did not check the older limit
            token = keyring().encrypt("U" * 21)
        else:  # encrypted under a key no longer configured
            token = Keyring([Keyring.new_key()]).encrypt("U104527391")
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE worker_roads SET permit_number = :t"), {"t": token})
            before = _identity_rows(connection)
    named = f"worker_roads.permit_number of row {ids['road']}"
    with pytest.raises(RuntimeError, match=named):
        _alembic_downgrade(empty_app, TWO_FACTOR)
    with empty_app.app_context(), db.engine.begin() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == ENCRYPTED
        )
        assert _identity_rows(connection) == before  # nothing was changed
