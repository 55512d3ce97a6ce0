import { test, expect, APIRequestContext, Page } from '@playwright/test';
import { backend, git, guestToken, imageTagAt, signInAsGuest } from './portal';

/**
 * A team lead opens the environment matrix, filters to their team, selects
 * two services and promotes them from staging to Production EU together: one
 * commit in the local GitOps repository moves both, and the matrix shows it.
 *
 * The demo repository survives runs: a service already at staging's version
 * in prod-eu is first rolled back one version through the REST API.
 */

const services = ['checkout', 'payments'];
const titles: Record<string, string> = {
  checkout: 'Checkout API',
  payments: 'Payments',
};

/** A service's image.tag in an environment, at the branch head. */
function tagOf(service: string, env: string) {
  return imageTagAt(`envs/${env}/${service}/values.yaml`);
}

async function guestHeaders(request: APIRequestContext) {
  return { Authorization: `Bearer ${await guestToken(request)}` };
}

/** Rolls the service's prod-eu back to the version before the current one. */
async function rollBackProdEu(request: APIRequestContext, service: string) {
  const headers = await guestHeaders(request);
  const entityRef = `component:default/${service}`;
  const current = tagOf(service, 'prod-eu');
  const history = await request.get(
    `${backend}/api/gitops-promotion/environments/history?entityRef=${entityRef}&environment=prod-eu`,
    { headers },
  );
  const previous = (
    (await history.json()).history as Array<{ to?: string }>
  ).find(entry => entry.to && entry.to !== current)!.to!;
  const created = await request.post(
    `${backend}/api/gitops-promotion/promotions`,
    {
      headers: { ...headers, 'Idempotency-Key': `e2e-matrix-${Date.now()}` },
      data: {
        entityRef,
        target: 'prod-eu',
        kind: 'rollback',
        versions: [previous],
      },
    },
  );
  expect(created.status()).toBe(201);
}

const rowOf = (page: Page, service: string) =>
  page.locator('table[aria-label="Environment matrix"] tbody tr', {
    has: page.getByRole('link', { name: titles[service], exact: true }),
  });

/** Cells: select, Development, Staging, Production EU, Production US. */
const prodEuCell = (page: Page, service: string) =>
  rowOf(page, service).locator('td').nth(3);

test('a team lead promotes two services together from the matrix', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);

  for (const service of services) {
    if (tagOf(service, 'prod-eu') === tagOf(service, 'staging')) {
      await rollBackProdEu(request, service);
    }
  }
  const staging = Object.fromEntries(
    services.map(s => [s, tagOf(s, 'staging')]),
  );
  const before = git('rev-parse', 'main').trim();

  const nav = await signInAsGuest(page);
  await nav.getByRole('link', { name: 'Environments', exact: true }).click();
  await expect(page).toHaveURL(/\/gitops-promotion$/);

  const table = page.getByRole('table', { name: 'Environment matrix' });
  await expect(table).toHaveAttribute('aria-busy', 'false');
  await expect(page.getByRole('status').first()).toHaveText(
    /^Showing \d+ of 8 services$/,
  );

  // Filter to the team.
  await page.getByRole('button', { name: /Owner/ }).click();
  await page
    .getByRole('option', { name: 'team-checkout', exact: true })
    .click();
  await expect(page).toHaveURL(/owner=group%3Adefault%2Fteam-checkout/);
  await expect(page.getByText('Showing 3 of 8 services')).toBeVisible();
  for (const service of services) {
    await expect(prodEuCell(page, service)).toContainText(/behind/);
  }
  // The owner menu fades out after the choice (hidden from the
  // accessibility tree at once, in the DOM until the fade ends).
  await expect(page.locator('[role="listbox"]')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await page.screenshot({
    path: 'docs/screenshots/matrix.png',
    animations: 'disabled',
  });

  for (const service of services) {
    await page
      .getByRole('checkbox', { name: `Select ${titles[service]}` })
      .check();
  }
  await expect(page.getByText('2 selected')).toBeVisible();
  await page.getByRole('button', { name: 'Promote selected together' }).click();

  const dialog = page.getByRole('dialog', {
    name: 'Promote 2 services together',
  });
  await dialog.getByRole('button', { name: /From → to/ }).click();
  await page
    .getByRole('option', { name: 'Staging → Production EU', exact: true })
    .click();
  const preview = dialog.getByRole('region', { name: 'Combined preview' });
  await expect(
    preview.getByText(/^2 of 2 can be promoted; they land in one commit/),
  ).toBeVisible();
  for (const service of services) {
    await expect(
      preview.getByText(new RegExp(`→ ${staging[service]}$`)),
    ).toBeVisible();
  }
  await expect(page.getByRole('listbox')).toBeHidden();
  await preview.getByText(titles.checkout, { exact: true }).click();
  await expect(
    preview.getByRole('figure', { name: `Change to ${titles.checkout}` }),
  ).toBeVisible();
  await page.screenshot({
    path: 'docs/screenshots/release-train.png',
    animations: 'disabled',
  });

  const posted = page.waitForResponse(
    response =>
      response.url().endsWith('/api/gitops-promotion/promotions/bulk') &&
      response.request().method() === 'POST',
  );
  await dialog
    .getByRole('button', { name: 'Promote 2 to Production EU' })
    .click();
  const response = await posted;
  expect(response.status()).toBe(201);
  const result = await response.json();
  const [commitSha] = new Set(
    result.promotions.map((p: { commitSha: string }) => p.commitSha),
  );
  expect(result.promotions).toHaveLength(2);
  await expect(
    dialog.getByText(
      new RegExp(
        `^Promoted 2 services together in commit ${String(commitSha).slice(
          0,
          7,
        )}: (checkout, payments|payments, checkout)\\.$`,
      ),
    ),
  ).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Both moved in the matrix …
  for (const service of services) {
    await expect(prodEuCell(page, service)).toContainText(staging[service]);
    await expect(prodEuCell(page, service)).not.toContainText(/behind/);
  }
  // … in one commit on top of the previous head that changes both files.
  expect(git('merge-base', '--is-ancestor', before, commitSha)).toBe('');
  expect(
    git('show', '--name-only', '--format=', commitSha)
      .trim()
      .split('\n')
      .sort(),
  ).toEqual([
    'envs/prod-eu/checkout/values.yaml',
    'envs/prod-eu/payments/values.yaml',
  ]);
  for (const service of services) {
    expect(tagOf(service, 'prod-eu')).toBe(staging[service]);
  }
});
