#!/usr/bin/env bash
# Sets up what is missing on this machine and starts the portal on the embedded default:
# frontend on http://localhost:3000, backend on http://localhost:7007.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec yarn start
