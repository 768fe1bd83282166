# The one image of docker-compose.yml: `sepakat serve` (web), `sepakat worker`, `sepakat init-db`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (the decree lampiran) loads Pango, HarfBuzz's subsetter and the DejaVu fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY setup.cfg pyproject.toml README.md ./
COPY core ./core
COPY plugins ./plugins
COPY sepakat ./sepakat
COPY web ./web
COPY workers ./workers
RUN pip install . \
    && cd / && rm -rf /src \
    && useradd --system --create-home --home-dir /home/sepakat sepakat \
    # Flask's instance folder of the installed package (celery beat keeps its schedule there).
    && instance="$(python -c "from sepakat.app import instance_path; print(instance_path())")" \
    && mkdir -p "$instance" && chown sepakat "$instance" \
    # ATTACHMENTS_DIR of docker-compose.yml (a volume there)
    && mkdir -p /var/lib/sepakat/attachments && chown sepakat /var/lib/sepakat/attachments

USER sepakat
WORKDIR /home/sepakat
EXPOSE 8000
CMD ["sepakat", "serve", "--host", "0.0.0.0", "--port", "8000"]
