"""Native TikTok Shop exports (creator performance, LIVE and video analytics, affiliate orders)
read into the canonical daily metrics: formats, header aliases, values, days and markets."""
