# The official Odoo 19 image plus what the QI suite imports and what its
# tests need (pytest-odoo, Chromium for browser tours). The addons themselves
# are mounted by docker-compose.yml, not copied.
FROM odoo:19
USER root
# PDF reports: the odoo:19 image already ships wkhtmltopdf and fonts-noto-cjk
# (Chinese glyphs); the tests read the PDFs back with pdftotext (poppler-utils)
RUN apt-get update \
    && apt-get install -y --no-install-recommends poppler-utils \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt requirements-test.txt /tmp/qi/
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/* \
    && pip3 install --no-cache-dir --break-system-packages -r /tmp/qi/requirements-test.txt
USER odoo
