"""Prometheus metrics of the running bot: requests, ack and answer latency, errors, posts, the
worker pool's tasks, and the process's CPU and memory."""

from __future__ import annotations

from collections.abc import Container

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)

UNKNOWN_COMMAND = "unknown"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)


class Metrics:
    """One registry per bot (nothing global), so tests and replicas never share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "creatorbot_requests",
            "Inbound platform requests, by platform and outcome.",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "creatorbot_ack_seconds",
            "Time from receiving a platform request to answering it over HTTP.",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.answer_seconds = Histogram(
            "creatorbot_answer_seconds",
            "Time to compute and deliver an answer, by platform and command.",
            ["platform", "command"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "creatorbot_errors",
            "Failures while handling requests, by platform and stage.",
            ["platform", "stage"],
            registry=self.registry,
        )
        self.pool_tasks = Gauge(
            "creatorbot_pool_tasks",
            "Answers in the worker pool: running, or queued for a free worker.",
            ["state"],
            registry=self.registry,
        )
        # process_cpu_seconds_total, process_resident_memory_bytes, open fds, start time
        ProcessCollector(registry=self.registry)
        self.posts = Counter(
            "creatorbot_posts",
            "Messages posted to a platform, by platform and outcome.",
            ["platform", "outcome"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)


def command_label(name: str, known: Container[str]) -> str:
    """The `command` label for `name`: itself when it is a command, else one shared value, so
    what people type cannot grow the metrics without bound."""
    return name if name in known else UNKNOWN_COMMAND
