#!/usr/bin/env bash
# Installs the real servers the integration tests run against (Dovecot IMAP/POP3, Redis, Radicale
# CalDAV/CardDAV, PostgreSQL) and the openssl tool (test certificates for the HTTPS download tests) when they
# are missing, using Debian's packages. Runs before `npm test`; does nothing when all is there.
set -euo pipefail
missing=()
dpkg -s dovecot-imapd >/dev/null 2>&1 || missing+=(dovecot-imapd)
dpkg -s dovecot-pop3d >/dev/null 2>&1 || missing+=(dovecot-pop3d)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# Radicale is a Python program: Debian's package, never PyPI (not reachable from CI).
dpkg -s radicale >/dev/null 2>&1 || missing+=(radicale)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# PostgreSQL (the DATABASE_URL store): test/support/postgres.ts runs its own initdb + pg_ctl,
# found on PATH or in Debian's /usr/lib/postgresql/N/bin.
command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
((${#missing[@]} == 0)) && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${missing[*]} (Dovecot IMAP/POP3, Redis, Radicale, openssl, PostgreSQL). Install them with your package manager." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "The tests need: ${missing[*]}. Run as root: apt-get install -y ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "Installing test servers: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# policy-rc.d keeps the packages' own system services from starting: the tests start their own.
$sudo apt-get install -y -qq "${missing[@]}" >&2
