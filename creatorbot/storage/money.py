"""Exact money: integer minor units in the database, `Decimal` at the edges."""

from __future__ import annotations

from decimal import Decimal


def to_minor(amount: Decimal | int | str, minor_units: int = 2) -> int:
    """Turn an amount into integer minor units; more decimals than the currency has is an error."""
    value = Decimal(amount) * (10**minor_units)
    if value != value.to_integral_value():
        raise ValueError(f"{amount} has more than {minor_units} decimals")
    return int(value)


def from_minor(minor: int, minor_units: int = 2) -> Decimal:
    """Turn integer minor units back into an exact `Decimal` amount."""
    return Decimal(minor).scaleb(-minor_units)
