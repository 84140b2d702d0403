"""A pytest plugin loaded with ``-p`` (pyproject.toml), before pytest-django reads settings.

The settings' safe defaults refuse to start without a SECRET_KEY unless DEBUG is on;
the suite runs with development settings, as `make run` does.
"""

import os

os.environ.setdefault("DEBUG", "true")
