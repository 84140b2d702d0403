"""CI promises PostgreSQL; a CI run that quietly fell back to SQLite must fail."""

import pytest
from django.db import connection

from tests.conftest import IN_CI


@pytest.mark.skipif(not IN_CI, reason="SQLite is the default outside CI")
@pytest.mark.django_db
def test_ci_runs_the_suite_on_postgresql():
    assert connection.vendor == "postgresql"
