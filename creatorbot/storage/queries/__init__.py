"""Read-side queries: each takes `session=` and returns frames or typed rows; none commits."""
