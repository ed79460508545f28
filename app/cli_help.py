"""Help text of the ``expsvc`` command built from the settings themselves, so each option
names the ``EXPSVC_*`` variable behind it and the list of variables cannot drift."""

from __future__ import annotations

from pydantic import AliasChoices

from app.config import Settings

# The settings a newcomer meets first, in this order (all of them: docs/operations.md)
EPILOG_SETTINGS = (
    "data_dir",
    "database_url",
    "redis_url",
    "artifact_store_url",
    "s3_endpoint_url",
    "s3_public_endpoint_url",
    "mlflow_tracking_uri",
    "host",
    "port",
)


def env_name(field: str) -> str:
    """The environment variable of a setting (its first alias when it has aliases)."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        assert isinstance(first, str)
        return first
    if isinstance(alias, str):
        return alias
    return f"EXPSVC_{field.upper()}"


def _escape(text: str) -> str:
    return text.replace("%", "%%")  # argparse %-formats help strings


def setting_help(field: str, text: str) -> str:
    """``text`` followed by the setting's variable and default, for an option's help."""
    default = Settings.model_fields[field].default
    return _escape(f"{text} (default: ${env_name(field)}, else {default})")


def settings_epilog() -> str:
    """The main help's list of the first settings: variable and meaning."""
    rows = [(env_name(f), Settings.model_fields[f].description or "") for f in EPILOG_SETTINGS]
    width = max(len(name) for name, _ in rows)
    lines = [f"  {name.ljust(width)}  {text}" for name, text in rows]
    return _escape(
        "settings (environment variables; every one is in docs/operations.md):\n" + "\n".join(lines)
    )
