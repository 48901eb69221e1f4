"""`hedgehog users create|assign` and `hedgehog serve` (the live server via the `live_api` fixture)."""

import httpx
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from hedgehog.cli import app as cli
from hedgehog.commands.serve import create_demo_users
from hedgehog.db.models import CoachAssignment, User, UserRole
from hedgehog.db.session import make_engine

runner = CliRunner()


@pytest.fixture
def cli_database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_users_create_and_assign(cli_database):
    made = runner.invoke(cli, ["users", "create", "lea", "--role", "learner", "--target-role", "data_engineer",
                               "--password-stdin"], input="lea-password-1\n")
    assert made.exit_code == 0, made.output
    assert runner.invoke(cli, ["users", "create", "cora", "--role", "coach", "--password-stdin"],
                         input="cora-password-1\n").exit_code == 0
    assigned = runner.invoke(cli, ["users", "assign", "--coach", "cora", "--learner", "lea"])
    assert assigned.exit_code == 0, assigned.output
    engine = make_engine(cli_database)
    with Session(engine) as session:
        lea = session.exec(select(User).where(User.username == "lea")).one()
        assert lea.role == UserRole.learner and lea.target_role.value == "data_engineer"
        assert lea.password_hash.startswith("$argon2") and "lea-password-1" not in lea.password_hash
        assert len(session.exec(select(CoachAssignment)).all()) == 1
    engine.dispose()


def test_users_create_prompts_for_password(cli_database):
    made = runner.invoke(cli, ["users", "create", "ada", "--role", "admin"], input="ada-password-1\nada-password-1\n")
    assert made.exit_code == 0, made.output
    assert "ada-password-1" not in made.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "create", "lea", "--password-stdin"], "short\n", "password"),
        (["users", "create", "lea", "--role", "boss", "--password-stdin"], "long-enough-1\n", "role"),
        (["users", "create", "bad name", "--password-stdin"], "long-enough-1\n", "username"),
        (["users", "assign", "--coach", "ghost", "--learner", "lea"], "", "no user named"),
    ],
)
def test_users_commands_refuse_bad_input(cli_database, args, stdin, message):
    result = runner.invoke(cli, args, input=stdin)
    assert result.exit_code == 2
    assert message in result.output


def test_users_duplicate_and_wrong_role(cli_database):
    runner.invoke(cli, ["users", "create", "lea", "--password-stdin"], input="lea-password-1\n")
    again = runner.invoke(cli, ["users", "create", "lea", "--password-stdin"], input="lea-password-1\n")
    assert again.exit_code == 2 and "taken" in again.output
    wrong = runner.invoke(cli, ["users", "assign", "--coach", "lea", "--learner", "lea"])
    assert wrong.exit_code == 2 and "not a coach" in wrong.output


@pytest.mark.parametrize("secret", ["", "changeme"])
def test_serve_refuses_placeholder_secret_outside_development(cli_database, monkeypatch, secret):
    monkeypatch.setenv("HEDGEHOG_ENV", "production")
    monkeypatch.setenv("HEDGEHOG_SECRET_KEY", secret)
    result = runner.invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "HEDGEHOG_SECRET_KEY" in result.output


def test_demo_users_are_created_once(tmp_path):
    from hedgehog.db.migrate import prepare_database

    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    prepare_database(engine)
    first = create_demo_users(engine)
    assert set(first) == {"demo-learner", "demo-coach"} and all(len(p) >= 12 for p in first.values())
    assert create_demo_users(engine) == {}  # existing accounts keep their passwords
    engine.dispose()


def test_live_server_with_demo_accounts(live_api):
    assert httpx.get(f"{live_api.url}/readyz").json()["status"] == "ready"
    learner = {"Authorization": f"Bearer {live_api.token(live_api.learner)}"}
    coach = {"Authorization": f"Bearer {live_api.token(live_api.coach)}"}
    me = httpx.get(f"{live_api.url}/v1/me", headers=learner).json()
    created = httpx.post(f"{live_api.url}/v1/submissions", headers=learner,
                         json={"question_id": "Q748", "answer": "About 100M concurrent listeners at 160 kbps."})
    assert created.status_code == 201
    roster = httpx.get(f"{live_api.url}/v1/coach/learners", headers=coach).json()["learners"]
    entry = next(e for e in roster if e["username"] == "demo-learner")
    assert entry["learner_id"] == me["id"] and entry["attempts"] >= 1
    assert "Traceback" not in live_api.log_path.read_text()
    assert live_api.learner.password not in httpx.get(f"{live_api.url}/openapi.json").text


def test_live_server_takes_concurrent_writes_on_sqlite(live_api):
    """WAL and busy_timeout: parallel submissions queue for the write lock instead of failing."""
    from concurrent.futures import ThreadPoolExecutor

    headers = {"Authorization": f"Bearer {live_api.token(live_api.learner)}"}

    def post(i: int) -> int:
        body = {"question_id": "Q745", "answer": f"Attempt {i}: 1B users x 2,000 photos x 3 MB = 6 PB."}
        return httpx.post(f"{live_api.url}/v1/submissions", headers=headers, json=body, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, range(16)))
    assert statuses == [201] * 16
