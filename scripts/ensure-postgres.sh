#!/usr/bin/env bash
# Starts the machine's PostgreSQL 15 and makes the test role and database (idempotent).
# Prints nothing but progress; the URL is in scripts/test-all.sh.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "» apt-get install postgresql"
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  # UTF-8 whatever the machine's LANG (README, DATABASE_URL: the search's case folding needs it).
  pg_createcluster --locale C.UTF-8 "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  echo "» starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 1
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='tpbis'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE tpbis LOGIN PASSWORD 'tpbis' CREATEDB\""
# The server suite drops its databases WITH (FORCE), which may meet an autovacuum worker (the
# superuser's) busy in one: the role may end it (tests/server/harness.ts also waits and retries).
su postgres -c "psql -qc \"GRANT pg_signal_backend TO tpbis\"" >/dev/null 2>&1
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='tpbis_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O tpbis tpbis_test"
echo "PostgreSQL $version ready"
