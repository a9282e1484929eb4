#!/bin/bash
# The "db-replica" service (docker-compose.production.yml): on first start, clone the
# primary with pg_basebackup -R (which writes standby.signal and the primary's
# address), then run PostgreSQL as a hot standby that Odoo reads from.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h db -U odoo -q; do sleep 1; done
    pg_basebackup -h db -U odoo -D "$PGDATA" -R -X stream
    chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
