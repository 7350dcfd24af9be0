"""Scheduled jobs, the scheduler setup, the run ledger and the posting interface."""
