import { test, expect, APIRequestContext } from '@playwright/test';
import {
  backend,
  git,
  guestToken,
  imageTagAt,
  pushImageTag,
  signInAsGuest,
} from './portal';

/**
 * Production US (app-config.e2e.yaml) is promoted from Staging by itself,
 * after a member of team-checkout approves, and rolled back by itself when
 * its rollout fails. A new storefront version reaches Staging; the backend
 * asks for its promotion into Production US; the guest (a member of
 * team-checkout, not the requester) approves it in the Environments tab;
 * the Argo CD stand-in, told to fail that rollout, reports it Degraded; the
 * backend rolls Production US back to the version it ran before, and the
 * page says so.
 *
 * The demo repository survives runs: every run pushes a version of its own.
 */

const service = 'storefront';
const entityRef = `component:default/${service}`;
const valuesPath = (env: string) => `charts/${service}/values-${env}.yaml`;
const standIn = 'http://localhost:7009';
const standInToken = 'argocd-dev-token';

/** The promotions of storefront into prod-us, newest first, as the REST API answers them. */
async function prodUsPromotions(request: APIRequestContext) {
  const response = await request.get(
    `${backend}/api/gitops-promotion/promotions?entityRef=${entityRef}&environment=prod-us&limit=20`,
    { headers: { Authorization: `Bearer ${await guestToken(request)}` } },
  );
  expect(response.ok()).toBeTruthy();
  return (await response.json()).items as Array<{
    id: string;
    state: string;
    trigger?: string;
    rollbackOf?: string;
    versions: Array<{ from?: string; to: string }>;
  }>;
}

test('a promotion approved in the portal fails its rollout and is rolled back by itself', async ({
  page,
  request,
}) => {
  const version = `sha-e2e${(Date.now() % 1_000_000).toString(16)}`;
  const before = imageTagAt(valuesPath('prod-us'));

  // The stand-in fails the rollout of exactly this version in prod-us.
  const fault = await request.post(`${standIn}/_dev/rollout-faults`, {
    headers: { Authorization: `Bearer ${standInToken}` },
    data: {
      application: `${service}-prod-us`,
      version,
      message: `Back-off restarting failed container ${service}`,
    },
  });
  expect(fault.status()).toBe(201);

  pushImageTag(
    valuesPath('staging'),
    version,
    `Release ${service} ${version} to staging`,
  );

  // Staging runs it Synced and Healthy: the backend asks for Production US.
  await expect
    .poll(
      async () =>
        (
          await prodUsPromotions(request)
        ).find(
          p =>
            p.state === 'awaiting-approval' &&
            p.versions.some(v => v.to === version),
        )?.trigger,
      { timeout: 60_000, intervalMs: 1_000 },
    )
    .toBe('auto-promotion');

  await signInAsGuest(page);
  await page.goto(`/catalog/default/component/${service}`);
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Environments', exact: true })
    .click();
  const prodUs = page.getByRole('article', { name: 'Production US' });
  await expect(
    prodUs.getByText('Needs 1 approval from team-checkout'),
  ).toBeVisible();
  await expect(prodUs.getByText('Rolls back on failure')).toBeVisible();

  await prodUs
    .getByRole('button', {
      name: `Approve the promotion of ${version} to Production US`,
    })
    .click();
  const dialog = page.getByRole('dialog', {
    name: `Approve the promotion of ${version} to Production US`,
  });
  await dialog.getByLabel('Comment').fill('Ship it');
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(dialog).toBeHidden();

  // The approval wrote exactly the requested version, with its trailer.
  const approved = git(
    'log',
    '--format=%B%x00',
    '-n',
    '2',
    'main',
    '--',
    valuesPath('prod-us'),
  )
    .split('\0')
    .find(message => message.includes(`Promote ${service} ${version}`));
  expect(approved).toContain('Approved-by: user:default/guest');

  // The rollout fails; the backend promotes the previous version back.
  const promotions = page.getByRole('region', { name: 'Promotions' });
  await expect(promotions).toContainText('Rolled back automatically', {
    timeout: 90_000,
  });
  await expect
    .poll(() => imageTagAt(valuesPath('prod-us')), { timeout: 30_000 })
    .toBe(before);
  const [rollback] = (await prodUsPromotions(request)).filter(
    p => p.trigger === 'auto-rollback',
  );
  const failed = (await prodUsPromotions(request)).find(
    p => p.id === rollback.rollbackOf,
  );
  expect(failed?.state).toBe('failed');
  expect(failed?.versions[0].to).toBe(version);
  expect(rollback.versions[0]).toMatchObject({ from: version, to: before });
  await expect(
    prodUs.getByText(`Version ${before}`, { exact: true }),
  ).toBeVisible({
    timeout: 60_000,
  });
});
