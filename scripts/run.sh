#!/usr/bin/env bash
# Install the cockpit's packages and run it. Without COCKPIT_DATABASE_URL (or [connections.ops] in
# .streamlit/secrets.toml) it starts an embedded PostgreSQL and loads a year of demo data on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check -r requirements.txt
# The demo database is started (and built on first run) as the server starts, its progress on this terminal.
exec python3 -m cockpit serve "$@"
