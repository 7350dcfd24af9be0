"""The models' annotations are objects, not strings: with postponed annotations SQLAlchemy
evaluates every `Mapped[...]` string when mapping, a tenth of the models' import that every
command (`creatorbot ask` first) pays."""

from __future__ import annotations

from creatorbot.storage.models import Base


def test_every_mapped_annotation_is_evaluated_by_python() -> None:
    models = [mapper.class_ for mapper in Base.registry.mappers]
    assert len(models) > 30  # the probe sees the models at all
    strings = {
        f"{model.__name__}.{name}"
        for model in models
        for name, annotation in vars(model).get("__annotations__", {}).items()
        if isinstance(annotation, str)
    }
    assert not strings, f"{len(strings)} annotations left as strings: {sorted(strings)[:5]}"
