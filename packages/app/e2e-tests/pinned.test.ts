import { test, expect, APIRequestContext, Page } from '@playwright/test';
import {
  backend,
  git,
  guestToken,
  imageTagAt,
  pushImageTag,
  signInAsGuest,
} from './portal';

/**
 * What a person reviewed is exactly what is written. A developer opens the
 * promote dialog of cart from Development to Staging and reads the preview;
 * meanwhile someone pushes a new image tag to Development. The confirm is
 * refused (409) naming what moved, and nothing is written; a refreshed
 * preview shows the new version, and confirming it writes that version.
 *
 * The demo repository survives runs: every run pushes versions of its own.
 */

const service = 'cart';
const entityRef = `component:default/${service}`;
const valuesPath = (env: string) => `envs/${env}/${service}/values.yaml`;

/** The diff's added line setting image.tag to `version`, in the file's own quotes. */
const addedTag = (version: string) =>
  new RegExp(`^\\+\\s+tag: (["']?)${version.replace(/\./g, '\\.')}\\1$`);

/** Whether `revision` (Argo CD's) is `commit` or comes after it on the branch. */
function carries(revision: string | undefined, commit: string) {
  if (!revision) return false;
  try {
    git('merge-base', '--is-ancestor', commit, revision);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until dev runs `version` (pushed in `commit`): in git, and Synced to
 * a revision that carries the commit and Healthy in Argo CD (the gate into
 * staging).
 */
async function waitUntilDevRuns(
  request: APIRequestContext,
  version: string,
  commit: string,
) {
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  await expect
    .poll(
      async () => {
        const response = await request.get(
          `${backend}/api/gitops-promotion/environments?entityRef=${entityRef}`,
          { headers },
        );
        const dev = (await response.json()).environments.find(
          (e: { name: string }) => e.name === 'dev',
        );
        return dev.status.state === 'known'
          ? `${dev.version} ${dev.status.syncStatus} ${
              dev.status.health.status
            } ${
              carries(dev.status.revision, commit) ? 'at' : 'before'
            } ${commit}`
          : `${dev.version} unknown`;
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toBe(`${version} Synced Healthy at ${commit}`);
}

/** The next POST /promotions: its body, key and answer. */
function nextPromotion(page: Page) {
  return page.waitForResponse(
    response =>
      response.url().endsWith('/api/gitops-promotion/promotions') &&
      response.request().method() === 'POST',
  );
}

test('the source moved since your preview', async ({ page, request }) => {
  test.setTimeout(240_000);
  const run = Date.now() % 1_000_000;
  const reviewed = `3.8.${run}`;
  const moved = `3.9.${run}`;

  // Development runs a version Staging does not, deployed.
  const released = pushImageTag(
    valuesPath('dev'),
    reviewed,
    `Release cart ${reviewed} to dev`,
  );
  await waitUntilDevRuns(request, reviewed, released);
  const stagingBefore = imageTagAt(valuesPath('staging'));

  await signInAsGuest(page);
  await page.goto(`/catalog/default/component/${service}`);
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Environments', exact: true })
    .click();
  const dev = page.getByRole('article', { name: 'Development' });
  await expect(
    dev.getByText(`Version ${reviewed}`, { exact: true }),
  ).toBeVisible();
  const promote = dev.getByRole('button', { name: 'Promote to Staging' });
  await expect(promote).toBeEnabled();
  await promote.click();

  const dialog = page.getByRole('dialog', {
    name: `Promote ${service} to Staging`,
  });
  const diff = dialog.getByRole('figure', {
    name: 'Diff that will be committed',
  });
  await expect(diff.locator('[data-kind="added"] span').last()).toHaveText(
    addedTag(reviewed),
  );
  await expect(dialog.getByLabel('From', { exact: true })).toContainText(
    reviewed,
  );
  const confirmReviewed = dialog.getByRole('button', {
    name: `Promote ${reviewed} to Staging`,
  });
  await expect(confirmReviewed).toBeEnabled();

  // Behind the developer's back: a new version lands in Development.
  const pushed = pushImageTag(
    valuesPath('dev'),
    moved,
    `Release cart ${moved} to dev`,
  );
  await waitUntilDevRuns(request, moved, pushed);

  const refused = nextPromotion(page);
  await confirmReviewed.click();
  const conflict = await refused;
  expect(conflict.status()).toBe(409);
  const first = conflict.request();
  expect(first.postDataJSON()).toEqual({
    entityRef,
    source: 'dev',
    target: 'staging',
    versions: [reviewed],
    baseCommit: expect.stringMatching(/^[0-9a-f]{40}$/),
    sourceCommit: expect.stringMatching(/^[0-9a-f]{40}$/),
  });
  const alert = dialog.getByRole('alert');
  await expect(alert).toContainText('Conflict: nothing was committed');
  await expect(alert).toContainText(
    `the source moved since your preview: dev has image.tag ${moved} now in ${valuesPath(
      'dev',
    )}, the preview showed ${reviewed}`,
  );
  // Nothing was written: the head is the pushed commit, Staging unchanged.
  expect(git('rev-parse', 'main').trim()).toBe(pushed);
  expect(imageTagAt(valuesPath('staging'))).toBe(stagingBefore);
  await expect(confirmReviewed).toBeDisabled();

  const refresh = alert.getByRole('button', { name: 'Refresh preview' });
  await expect(refresh).toBeFocused();
  await refresh.click();
  const confirmMoved = dialog.getByRole('button', {
    name: `Promote ${moved} to Staging`,
  });
  await expect(confirmMoved).toBeEnabled();
  await expect(alert).toHaveCount(0);
  await expect(dialog.getByLabel('From', { exact: true })).toContainText(moved);
  await expect(diff.locator('[data-kind="added"] span').last()).toHaveText(
    addedTag(moved),
  );

  const accepted = nextPromotion(page);
  await confirmMoved.click();
  const created = await accepted;
  expect(created.status()).toBe(201);
  const second = created.request();
  expect(second.postDataJSON()).toMatchObject({
    source: 'dev',
    target: 'staging',
    versions: [moved],
  });
  // A refreshed preview is a new promotion: a new idempotency key.
  expect(second.headers()['idempotency-key']).toBeTruthy();
  expect(second.headers()['idempotency-key']).not.toBe(
    first.headers()['idempotency-key'],
  );
  const promotion = await created.json();
  expect(promotion.commitSha).toMatch(/^[0-9a-f]{40}$/);

  // Written on top of the pushed commit: Staging holds the new version.
  expect(git('rev-parse', 'main').trim()).toBe(promotion.commitSha);
  expect(git('rev-parse', `${promotion.commitSha}^`).trim()).toBe(pushed);
  expect(imageTagAt(valuesPath('staging'))).toBe(moved);
  expect(
    git('show', '--format=', '-U0', promotion.commitSha)
      .split('\n')
      .filter(line => /^\+\s/.test(line)),
  ).toEqual([expect.stringMatching(addedTag(moved))]);
  await expect(dialog.getByRole('status')).toHaveText(/^Deployed/, {
    timeout: 90_000,
  });
});
