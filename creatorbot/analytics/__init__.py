"""Pure functions over pandas frames: rankings, pacing, tiers, anomalies. No I/O."""
