import { APIRequestContext, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
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
