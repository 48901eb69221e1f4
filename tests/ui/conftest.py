"""UI test fixtures: `live_api` (a real `hedgehog serve --demo` on a free port with a temp SQLite
database, from tests/fixtures_live.py), its database engine, and a fresh learner per test."""

import pytest

from fixtures_live import live_api  # noqa: F401
from ui_testkit import Account, make_account


@pytest.fixture(scope="session")
def live_engine(live_api):
    """The live API's own database (SQLite, WAL), to create accounts the way `hedgehog users` does."""
    from hedgehog.db.session import make_engine

    engine = make_engine(live_api.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def new_learner(live_api, live_engine) -> Account:
    """A learner of demo-coach with no history, so tests do not see each other's attempts."""
    return make_account(live_api, live_engine)
