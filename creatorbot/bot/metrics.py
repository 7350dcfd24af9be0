"""Prometheus metrics of the running bot: requests, ack and answer latency, errors, posts, the
worker pool's tasks, and the process's CPU and memory. With several worker processes (their
supervisor sets PROMETHEUS_MULTIPROC_DIR), every worker counts into files there and `/metrics`,
whichever worker answers it, adds them all up."""

from __future__ import annotations

import os
from collections.abc import Container, Iterable
from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

UNKNOWN_COMMAND = "unknown"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)


class Metrics:
    """One registry per bot (nothing global), so tests and replicas never share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        # prometheus_client's own switch, read when it was imported: set for workers only.
        shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        self.shared = Path(shared) if shared else None
        self.own: list[Collector] = []  # collectors read at scrape time rather than counted
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
            multiprocess_mode="livesum",  # every living worker's, added up
        )
        if self.shared is None:
            # process_cpu_seconds_total, process_resident_memory_bytes, open fds, start time
            ProcessCollector(registry=self.registry)
        else:
            self.add(WorkersCollector(self.shared))
        self.posts = Counter(
            "creatorbot_posts",
            "Messages posted to a platform, by platform and outcome.",
            ["platform", "outcome"],
            registry=self.registry,
        )

    def add(self, collector: Collector) -> None:
        """A collector read at scrape time (figures from the database, say)."""
        self.registry.register(collector)
        self.own.append(collector)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric (of every worker, with several)."""
        if self.shared is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(self.shared))
        for collector in self.own:
            registry.register(collector)
        return generate_latest(registry)


class WorkersCollector(Collector):
    """CPU time and resident memory of the living workers together: those with a file in the
    shared metrics folder (each names its process id) and a process still running."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared

    def collect(self) -> Iterable[Metric]:
        cpu, rss = 0.0, 0.0
        ticks, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
        pids = {name.stem.rpartition("_")[2] for name in self.shared.glob("*.db")}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue  # gone: its counters stay, its CPU and memory do not
            cpu += (int(fields[11]) + int(fields[12])) / ticks
            rss += int(fields[21]) * page
        yield _gauge("process_cpu_seconds", "CPU seconds of the living workers.", cpu, "counter")
        yield _gauge("process_resident_memory_bytes", "Resident memory of the workers.", rss)


def _gauge(name: str, documentation: str, value: float, kind: str = "gauge") -> Metric:
    metric = Metric(name, documentation, kind)
    metric.add_sample(f"{name}_total" if kind == "counter" else name, {}, value)
    return metric


def command_label(name: str, known: Container[str]) -> str:
    """The `command` label for `name`: itself when it is a command, else one shared value, so
    what people type cannot grow the metrics without bound."""
    return name if name in known else UNKNOWN_COMMAND
