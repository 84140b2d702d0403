"""`manage.py check --deploy` with the settings docs/deployment.md gives an operator."""

import re

from tests.deploy.deployment_files import (
    PRODUCTION,
    env_example,
    manage,
)


def test_check_deploy_is_clean_with_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env_example(**PRODUCTION))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_plain_http_trial_settings_are_what_check_deploy_warns_about():
    """.env.example as shipped (http://localhost) is not a production setup, and says so."""
    result = manage("check", "--deploy", env=env_example())
    warned = set(re.findall(r"security\.W\d+", result.stdout + result.stderr))
    assert warned == {"security.W004", "security.W008", "security.W012", "security.W016"}
