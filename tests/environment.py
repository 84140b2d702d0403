"""A pytest plugin loaded with ``-p`` (pyproject.toml), before pytest-django reads settings.

The settings' safe defaults refuse to start without a SECRET_KEY unless DEBUG is on;
the suite runs with development settings, as `make run` does.
"""

import os

os.environ.setdefault("DEBUG", "true")
# Database threads of the consumers under test outlive each test: a kept connection would
# hold the test database open when pytest-django drops it.
os.environ.setdefault("CONN_MAX_AGE", "0")
