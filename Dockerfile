FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core libmagic1 npm make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . && make static/vendor/.installed
RUN useradd --create-home sot && mkdir -p /data && chown sot /data
USER sot
ENV PYTHONUNBUFFERED=1
# The web process, as docker-compose.yml starts it (keep-alive from GUNICORN_KEEPALIVE, default 5 s).
CMD ["gunicorn", "sotkabinet.wsgi:application", "-c", "python:sotkabinet.gunicorn_conf", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "4", "--timeout", "120"]
