#!/usr/bin/env bash
# Runs the Python runtime's tests with the standard library's unittest (no other packages).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec python3 -B -m unittest discover -s . -p 'test_*.py' "$@"
