"""The Tortoise ORM configuration, from the settings."""

from __future__ import annotations

from typing import Any

MODELS_MODULE = "models.orm"
MIGRATIONS_MODULE = "models.migrations"
APP_LABEL = "ebok"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            APP_LABEL: {
                "models": [MODELS_MODULE],
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def sqlite_path(database_url: str) -> str | None:
    """The file behind a sqlite:// URL, so its folder can be created before connecting."""
    if not database_url.startswith("sqlite://"):
        return None
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    return None if path in ("", ":memory:") else path


# For Tortoise's own command line (`python -m tortoise -c models.config.TORTOISE_ORM
# makemigrations`): the models are what matter there, not the database.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
