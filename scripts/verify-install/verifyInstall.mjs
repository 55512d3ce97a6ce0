#!/usr/bin/env node
// Proof of installation: packs the published packages, creates a fresh app
// with @backstage/create-app in a temporary folder, installs the packages
// there by running the README's installation steps verbatim, starts the app
// on a small generated configuration (a local git repository, no Argo CD)
// and checks in Debian's Chromium that a service's Environments tab shows
// its versions. Run from the repository root: `yarn verify:install`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify } from 'yaml';
import { checkEnvironmentsTab } from './checkInBrowser.mjs';
import { startLocalRegistry } from './localRegistry.mjs';
import { applyStep, readInstallSteps } from './readmeSteps.mjs';
import { createGitopsRepository } from './gitopsRepository.mjs';
import { pinBackstageRelease } from './backstageRelease.mjs';

// The create-app release of backstage.json's Backstage version (1.55).
const CREATE_APP = '@backstage/create-app@0.9.2';
const APP_PORT = 3100;
const BACKEND_PORT = 7107;
const ENTITY = 'example-website';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-verify-install-'));
const appDir = path.join(work, 'app');
const started = Date.now();
const seconds = since => `${Math.round((Date.now() - since) / 1000)} s`;

function log(message) {
  console.log(`verify:install [${seconds(started)}] ${message}`);
}

/** Runs a command, its output into `<work>/<logName>.log`; throws with the log's tail on failure. */
function run(command, args, { cwd, env = {}, logName }) {
  const logFile = path.join(work, `${logName}.log`);
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
    });
    child.on('error', reject);
    child.on('exit', code => {
      fs.closeSync(out);
      if (code === 0) return resolve();
      const tail = fs
        .readFileSync(logFile, 'utf8')
        .split('\n')
        .slice(-40)
        .join('\n');
      reject(
        new Error(`${command} ${args.join(' ')} exited with ${code}:\n${tail}`),
      );
    });
  });
}

function publishedPackages() {
  return fs
    .readdirSync(path.join(repoRoot, 'plugins'))
    .map(dir => path.join(repoRoot, 'plugins', dir))
    .filter(dir => fs.existsSync(path.join(dir, 'package.json')))
    .filter(
      dir =>
        !JSON.parse(fs.readFileSync(path.join(dir, 'package.json'))).private,
    );
}

async function pack() {
  const tarballs = path.join(work, 'tarballs');
  fs.mkdirSync(tarballs);
  await run('yarn', ['tsc'], { cwd: repoRoot, logName: 'pack' });
  const files = [];
  for (const dir of publishedPackages()) {
    const file = path.join(tarballs, `${path.basename(dir)}.tgz`);
    await run('yarn', ['build'], { cwd: dir, logName: 'pack' });
    await run('yarn', ['pack', '--out', file], { cwd: dir, logName: 'pack' });
    files.push(file);
  }
  return files;
}

/** Points the app's yarn at the loopback registry for our scope only. */
function useRegistryForScope(registry) {
  const file = path.join(appDir, '.yarnrc.yml');
  const config = parseYaml(fs.readFileSync(file, 'utf8'));
  const scope = registry.names[0].split('/')[0].slice(1);
  config.npmScopes = { [scope]: { npmRegistryServer: registry.url } };
  config.unsafeHttpWhitelist = ['127.0.0.1'];
  // The app's minimal-age gate would refuse a version packed a minute ago.
  config.npmPreapprovedPackages = [
    ...(config.npmPreapprovedPackages ?? []),
    `@${scope}/*`,
  ];
  fs.writeFileSync(file, stringify(config));
}

function writeLocalConfig({ repositoryId, repositoryUrl }) {
  const config = {
    app: { baseUrl: `http://localhost:${APP_PORT}` },
    backend: {
      baseUrl: `http://localhost:${BACKEND_PORT}`,
      listen: { port: BACKEND_PORT },
      cors: { origin: `http://localhost:${APP_PORT}` },
    },
    gitopsPromotion: {
      repositories: [{ id: repositoryId, provider: 'git', url: repositoryUrl }],
    },
  };
  fs.writeFileSync(
    path.join(appDir, 'app-config.local.yaml'),
    stringify(config),
  );
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
    await new Promise(r => setTimeout(r, 2000));
  }
}

async function main() {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const steps = readInstallSteps(readme);
  log(`working in ${work}; the README has ${steps.length} installation steps`);

  let phase = Date.now();
  const tarballs = await pack();
  log(`packed ${tarballs.length} packages in ${seconds(phase)}`);
  const registry = await startLocalRegistry(tarballs);

  let app;
  try {
    phase = Date.now();
    await run('npx', ['-y', CREATE_APP, '--skip-install', '--path', appDir], {
      cwd: work,
      env: { BACKSTAGE_APP_NAME: 'verify-install' },
      logName: 'create-app',
    });
    useRegistryForScope(registry);
    const pinned = pinBackstageRelease({ appDir, repoRoot });
    log(
      `created a new app with ${CREATE_APP} in ${seconds(
        phase,
      )}; ${pinned} @backstage packages at this repository's release`,
    );

    phase = Date.now();
    const config = parseYaml(
      steps.find(s => s.file === 'app-config.yaml').text,
    );
    const annotations = parseYaml(
      steps.find(s => s.file === 'catalog-info.yaml').text,
    ).metadata.annotations;
    for (const step of steps) {
      await applyStep(step, {
        appDir,
        service: ENTITY,
        run: line =>
          run('bash', ['-c', line], { cwd: appDir, logName: 'install' }),
      });
    }
    log(
      `ran the README's steps (yarn add installs the app) in ${seconds(phase)}`,
    );

    const gitops = await createGitopsRepository({
      dir: work,
      config: config.gitopsPromotion,
      service: annotations['gitops-promotion/service'],
    });
    writeLocalConfig({
      repositoryId: config.gitopsPromotion.repositories[0].id,
      repositoryUrl: gitops.url,
    });

    phase = Date.now();
    const out = fs.openSync(path.join(work, 'start.log'), 'a');
    app = spawn('yarn', ['start'], {
      cwd: appDir,
      detached: true,
      stdio: ['ignore', out, out],
    });
    await waitForHttp(
      `http://localhost:${BACKEND_PORT}/.backstage/health/v1/readiness`,
      300_000,
    );
    await waitForHttp(`http://localhost:${APP_PORT}`, 300_000);
    log(`started the app in ${seconds(phase)}`);

    phase = Date.now();
    const text = await checkEnvironmentsTab({
      appUrl: `http://localhost:${APP_PORT}`,
      entityPath: `/catalog/default/component/${ENTITY}/environments`,
      expected: gitops.versions,
      screenshotOnFailure: path.join(work, 'failure.png'),
    });
    log(
      `Chromium shows the Environments tab in ${seconds(phase)}:\n${text.slice(
        0,
        600,
      )}`,
    );
    log(`passed in ${seconds(started)}`);
  } finally {
    if (app) {
      try {
        process.kill(-app.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await registry.close();
  }
}

main().then(
  () => {
    if (!process.env.KEEP_VERIFY_INSTALL)
      fs.rmSync(work, { recursive: true, force: true });
  },
  error => {
    console.error(
      `verify:install failed after ${seconds(started)}: ${
        error.stack ?? error
      }`,
    );
    console.error(`logs and the app are in ${work}`);
    process.exit(1);
  },
);
