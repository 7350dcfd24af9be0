# creatorbot: slim, non-root, with a health check. Build: docker build -t creatorbot .
FROM python:3.11-slim AS build
WORKDIR /src
# The exact versions of the lock (creatorbot[all]: Slack, Lark, PostgreSQL), checked against
# their hashes; a layer of its own, so a code change does not download them again.
COPY requirements.lock ./
RUN pip install --no-cache-dir --prefix=/install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY creatorbot ./creatorbot
RUN pip install --no-cache-dir --prefix=/install --no-deps .

FROM python:3.11-slim
# Chinese-Malaysian creator names in charts need a CJK font (DejaVu alone draws boxes).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 CREATORBOT_DATA_DIR=/data PORT=3000
COPY --from=build /install /usr/local
RUN useradd --system --uid 10001 --home-dir /data --create-home creatorbot
USER creatorbot
WORKDIR /data
EXPOSE 3000
# Healthy = ready: the database answers at the current migration and every configured platform is
# connected (/readyz). Kubernetes: livenessProbe /livez, readinessProbe /readyz.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"3000\")}/readyz', timeout=2)" || exit 1
ENTRYPOINT ["creatorbot"]
CMD ["run"]
