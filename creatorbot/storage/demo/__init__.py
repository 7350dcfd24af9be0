"""The deterministic demo world: generate it (`build_world`), write it, keep it in place."""

from creatorbot.storage.demo.ensure import DemoConflict, clear_demo, ensure_demo, stored_spec
from creatorbot.storage.demo.world import DEMO_VERSION, DemoSpec, World, build_world
from creatorbot.storage.demo.write import write_world

__all__ = [
    "DEMO_VERSION",
    "DemoConflict",
    "DemoSpec",
    "World",
    "build_world",
    "clear_demo",
    "ensure_demo",
    "stored_spec",
    "write_world",
]
