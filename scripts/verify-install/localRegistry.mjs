// A read-only npm registry on loopback for one scope, serving the packed
// tarballs: `yarn add @scope/name` in the new app then resolves our packages
// exactly as it would from a public registry, and everything else from the
// configured one.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** The package.json inside a packed tarball. */
function manifestOf(tarball) {
  return JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
}

function packumentsOf(tarballs, baseUrl) {
  const packuments = new Map();
  for (const tarball of tarballs) {
    const manifest = manifestOf(tarball);
    const bytes = fs.readFileSync(tarball);
    const file = path.basename(tarball);
    packuments.set(manifest.name, {
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          dist: {
            tarball: `${baseUrl}/tarballs/${file}`,
            shasum: createHash('sha1').update(bytes).digest('hex'),
            integrity: `sha512-${createHash('sha512')
              .update(bytes)
              .digest('base64')}`,
          },
        },
      },
      time: { [manifest.version]: new Date().toISOString() },
    });
  }
  return packuments;
}

/** Serves `tarballs` (paths of .tgz files) until `close()`. */
export async function startLocalRegistry(tarballs) {
  const files = new Map(tarballs.map(t => [path.basename(t), t]));
  let packuments;
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0]).slice(1);
    if (url.startsWith('tarballs/') && files.has(url.slice(9))) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(files.get(url.slice(9))).pipe(res);
      return;
    }
    const packument = packuments.get(url);
    res.writeHead(packument ? 200 : 404, {
      'content-type': 'application/json',
    });
    res.end(JSON.stringify(packument ?? { error: 'Not found' }));
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  packuments = packumentsOf(tarballs, baseUrl);
  return {
    url: baseUrl,
    names: [...packuments.keys()],
    close: () => new Promise(resolve => server.close(resolve)),
  };
}
