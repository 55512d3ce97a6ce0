// The fresh app's @backstage/* packages at the versions of the Backstage
// release this repository builds and tests against (backstage.json), taken
// from its yarn.lock. A new app resolves each package's range to the newest
// version, and plugins of the next release can reach the registry before
// create-app moves on (plugin-signals-backend 0.3.21 needs an httpRouter that
// backend-defaults 0.18 lacks, and the app does not start). This does what
// `backstage-cli versions:bump --release <version>` does, without its
// download of the release manifest.
import fs from 'node:fs';
import path from 'node:path';

/** Package name to version, for packages the lockfile holds at one version only. */
function lockedBackstageVersions(lockfile) {
  const versions = new Map();
  const entry = /^"(@backstage\/[^@"]+)@[^\n]*:\n {2}version: ([^\n]+)$/gm;
  for (const [, name, version] of lockfile.matchAll(entry)) {
    versions.set(name, [...(versions.get(name) ?? []), version]);
  }
  return [...versions]
    .filter(([, found]) => new Set(found).size === 1)
    .map(([name, [version]]) => [name, version]);
}

export function pinBackstageRelease({ appDir, repoRoot }) {
  const lockfile = fs.readFileSync(path.join(repoRoot, 'yarn.lock'), 'utf8');
  const pins = lockedBackstageVersions(lockfile);
  const file = path.join(appDir, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  manifest.resolutions = {
    ...manifest.resolutions,
    ...Object.fromEntries(pins),
  };
  fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return pins.length;
}
