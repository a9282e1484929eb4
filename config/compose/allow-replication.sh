#!/bin/bash
# docker-entrypoint-initdb.d hook of the "db" service: let the "db-replica"
# service of docker-compose.production.yml stream WAL (pg_basebackup -R, then
# streaming replication) with the same credentials as Odoo.
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >>"$PGDATA/pg_hba.conf"
