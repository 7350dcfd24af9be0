# creatorbot: slim, non-root, with a health check. Build: docker build -t creatorbot .
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY creatorbot ./creatorbot
RUN pip install --no-cache-dir --prefix=/install .

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
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"3000\")}/healthz', timeout=2)" || exit 1
ENTRYPOINT ["creatorbot"]
CMD ["run"]
