import { APIRequestContext, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The portal of `yarn start` on the embedded default, as the e2e tests drive it. */
export const root = path.resolve(__dirname, '../../..');
export const backend = 'http://localhost:7007';
export const gitDir = path.join(root, '.data/gitops-repo.git');

/** Runs git on the local GitOps repository the portal writes to. */
export function git(...args: string[]) {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
  });
}

/**
 * Commits a change of one file on main behind the portal's back, as a person
 * pushing to the GitOps repository would: the blob, a tree from a throw-away
 * index, a commit on the head, and the branch moved only if it is still there.
 * Returns the new commit.
 */
export function commitFile(
  file: string,
  change: (text: string) => string,
  message: string,
) {
  const parent = git('rev-parse', 'main').trim();
  const index = path.join(
    os.tmpdir(),
    `gitops-e2e-index-${process.pid}-${Date.now()}`,
  );
  const env = {
    ...process.env,
    GIT_INDEX_FILE: index,
    GIT_AUTHOR_NAME: 'E2E Pusher',
    GIT_AUTHOR_EMAIL: 'e2e.pusher@acme.test',
    GIT_COMMITTER_NAME: 'E2E Pusher',
    GIT_COMMITTER_EMAIL: 'e2e.pusher@acme.test',
  };
  const run = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], {
      encoding: 'utf8',
      env,
      input,
    }).trim();
  try {
    const blob = run(
      ['hash-object', '-w', '--stdin'],
      change(git('show', `${parent}:${file}`)),
    );
    run(['read-tree', parent]);
    run(['update-index', '--cacheinfo', `100644,${blob},${file}`]);
    const tree = run(['write-tree']);
    const commit = run(['commit-tree', tree, '-p', parent, '-m', message]);
    run(['update-ref', 'refs/heads/main', commit, parent]);
    return commit;
  } finally {
    rmSync(index, { force: true });
  }
}

/** Sets the image.tag of a values file in a commit of its own on main. */
export function pushImageTag(file: string, tag: string, message: string) {
  return commitFile(
    file,
    text => {
      const changed = text.replace(
        /^(\s+tag:\s*)["']?[^"'\s#]+["']?/m,
        `$1"${tag}"`,
      );
      if (changed === text) throw new Error(`No image.tag in ${file}`);
      return changed;
    },
    message,
  );
}

/** The image.tag of a values file at the branch head. */
export function imageTagAt(file: string) {
  const text = git('show', `main:${file}`);
  const match = /^\s+tag:\s*["']?([^"'\s#]+)/m.exec(text);
  if (!match) throw new Error(`No image.tag in ${file}`);
  return match[1];
}

/** A guest's Backstage token, for calls to the REST API. */
export async function guestToken(request: APIRequestContext) {
  const response = await request.post(`${backend}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(response.ok()).toBeTruthy();
  return (await response.json()).backstageIdentity.token as string;
}

/** Signs in as guest from the start page; resolves with the sidebar once it shows. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
  return nav;
}
