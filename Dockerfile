# The official Odoo 19 image plus what the QI suite imports and what its
# tests need (pytest-odoo, a browser for the tours). The addons themselves
# are mounted by docker-compose.yml, not copied. The image already ships
# wkhtmltopdf and fonts-noto-cjk: nothing here installs them again.
FROM odoo:19
USER root
# PDF reports: the odoo:19 image already ships wkhtmltopdf and fonts-noto-cjk
# (Chinese glyphs); the tests read the PDFs back with pdftotext (poppler-utils)
RUN apt-get update \
    && apt-get install -y --no-install-recommends poppler-utils \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt requirements-test.txt /tmp/qi/
# The browser of the tours. odoo:19 is built FROM ubuntu:noble, where
# `apt-get install chromium` installs only a wrapper for the Chromium snap, and
# snaps do not run in a container. Google Chrome's .deb is a real binary; apt
# takes its libraries from noble, and Odoo's test runner looks for
# `google-chrome` first. Google builds it for amd64 only: on another
# architecture the image has no browser and `docker compose run --rm tests`
# fails on the skipped tours (the suite counts a skip as a failure).
ARG TARGETARCH
RUN set -eux; \
    arch="${TARGETARCH:-$(dpkg --print-architecture)}"; \
    apt-get update; \
    if [ "$arch" = amd64 ]; then \
        curl -fsSL -o /tmp/google-chrome.deb \
            https://dl.google.com/linux/direct/google-chrome-stable_current_amd64.deb; \
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/google-chrome.deb; \
        rm -f /tmp/google-chrome.deb; \
        google-chrome --version; \
    else \
        echo "qi: no browser for $arch (Google Chrome is built for amd64 only)" >&2; \
    fi; \
    rm -rf /var/lib/apt/lists/*; \
    pip3 install --no-cache-dir --break-system-packages -r /tmp/qi/requirements-test.txt
USER odoo
