# The platform's image: the same code, commands and gunicorn settings as the systemd units.
# compose.yaml runs it as two application servers, the e-mail worker and the checkpoint timer.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PB_PRODUCTION=1 \
    PB_BIND=0.0.0.0:8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/pb-metrics

WORKDIR /opt/pb
# A fixed uid/gid: compose bind-mounts the checkpoint key file with its host owner and mode
# (0600), so the host file must belong to 10001 (`flask pb keygen --owner 10001:10001`).
RUN groupadd --system --gid 10001 pb \
    && useradd --system --uid 10001 --gid pb --home-dir /opt/pb --shell /usr/sbin/nologin pb

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY pb/__init__.py pb/__init__.py
RUN python -m venv .venv && .venv/bin/pip install --upgrade pip && .venv/bin/pip install -e .

COPY wsgi.py babel.cfg ./
COPY pb pb
COPY migrations migrations
COPY templates templates
COPY static static
COPY deploy deploy
RUN .venv/bin/pybabel compile -d pb/translations \
    && mkdir -p instance && chown pb:pb instance

USER pb
ENV PATH=/opt/pb/.venv/bin:$PATH
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["/opt/pb/.venv/bin/gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
