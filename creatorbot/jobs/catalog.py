"""Every scheduled job, registered in one place: importing a job module declares its jobs."""

from __future__ import annotations

from creatorbot.jobs import (
    alerts,  # noqa: F401  (declares its jobs)
    campaigns,  # noqa: F401  (declares its jobs)
    feedback,  # noqa: F401  (declares its jobs)
    portfolio,  # noqa: F401  (declares its jobs)
    recap,  # noqa: F401  (declares its jobs)
    snapshot,  # noqa: F401  (declares its jobs)
)
from creatorbot.jobs.registry import JOBS, JobSpec


def jobs() -> dict[str, JobSpec]:
    """The declared jobs by name."""
    return dict(JOBS)
