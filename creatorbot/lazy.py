"""A package's names imported from their modules at first use (PEP 562), so importing one light
module of a package (a constant, a check) does not import its numpy and pandas modules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module


def names(package: str, where: Mapping[str, str]) -> Callable[[str], object]:
    """The package's `__getattr__`: each name in `where` read from `package.<module>`."""

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f"{package}.{module}"), name)

    return __getattr__
