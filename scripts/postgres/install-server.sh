#!/usr/bin/env bash
# Installs what the PostgreSQL half of the test suite needs on Debian 12:
# Debian's postgresql-15 and its server headers, and pgvector built from
# Debian's own source package (bookworm has no pgvector binary package; the
# trixie source package, 0.8.0, builds against postgresql-server-dev-15).
# Idempotent: does nothing when pgvector is already installed.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

if [ -f "/usr/share/postgresql/${PG_MAJOR}/extension/vector.control" ] && [ -x "$PG_CONFIG" ]; then
  echo "PostgreSQL ${PG_MAJOR} with pgvector is already installed."
  exit 0
fi

if ! dpkg -s "postgresql-${PG_MAJOR}" "postgresql-server-dev-${PG_MAJOR}" make gcc >/dev/null 2>&1; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends \
    "postgresql-${PG_MAJOR}" "postgresql-server-dev-${PG_MAJOR}" make gcc libc6-dev xz-utils
fi

# A deb-src entry for trixie on the same archive as the existing sources,
# read on its own (no other list is refreshed) and removed afterwards so it
# never affects other apt runs on this machine.
work="$(mktemp -d)"
trap 'rm -rf "$work"; $SUDO rm -f /etc/apt/sources.list.d/locus-trixie-src.sources' EXIT
mirror="$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
  | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ' || true)"
mirror="${mirror:-http://deb.debian.org/debian}"
$SUDO tee /etc/apt/sources.list.d/locus-trixie-src.sources >/dev/null <<SRC
Types: deb-src
URIs: ${mirror%/}
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
$SUDO apt-get update \
  -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/locus-trixie-src.sources \
  -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0

cd "$work"
# As root apt's sandbox user cannot write here; download as root is fine.
chmod 777 "$work"
apt-get source --download-only pgvector \
  -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/locus-trixie-src.sources \
  -o Dir::Etc::sourceparts=-
tar xf pgvector_*.orig.tar.*
cd pgvector-*/
make -j2 PG_CONFIG="$PG_CONFIG"
$SUDO make install PG_CONFIG="$PG_CONFIG"
echo "pgvector $(grep default_version vector.control | cut -d"'" -f2) installed for PostgreSQL ${PG_MAJOR}."
