"""Field shapes used across the tables, so money and volumes are declared alike."""

from tortoise import fields


def money(**kwargs: object) -> fields.DecimalField:
    """An amount in złoty with grosze: exact, never float."""
    return fields.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def volume(**kwargs: object) -> fields.DecimalField:
    """Cubic metres as a meter register shows them (litres in the third place)."""
    return fields.DecimalField(max_digits=12, decimal_places=3, **kwargs)
