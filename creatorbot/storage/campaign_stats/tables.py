"""The Core tables campaign stats are computed from and stored in."""

from __future__ import annotations

from creatorbot.storage.models import (
    CampaignDay,
    CampaignTotal,
    Creator,
    DailyMetric,
    Enrollment,
)
from creatorbot.storage.upsert import table_of

DAYS = table_of(CampaignDay)
TOTALS = table_of(CampaignTotal)
CREATORS = table_of(Creator)
DAILY = table_of(DailyMetric)
ENROLLMENTS = table_of(Enrollment)
