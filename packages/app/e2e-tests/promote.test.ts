import { test, expect, APIRequestContext } from '@playwright/test';
import { backend, git, guestToken, imageTagAt, signInAsGuest } from './portal';

/**
 * A developer promotes staging to a production environment from the service's
 * Environments tab, watches it reach Deployed on the Argo CD stand-in, and the
 * commit lands in the local GitOps repository with the author trailer and a
 * one-line diff.
 *
 * The demo repository (.data/gitops-repo.git) is shared and survives runs, so
 * when Production EU is not behind staging, the test first rolls prod-eu back
 * one version through the REST API (and waits until that is deployed).
 */

const service = 'checkout';

// Production US is promoted automatically after an approval here
// (app-config.e2e.yaml, see automation.test.ts): a person promotes into EU.
const titles: Record<string, string> = {
  'prod-eu': 'Production EU',
};

const valuesPath = (env: string) => `envs/${env}/${service}/values.yaml`;

/** checkout's image.tag in an environment, at the branch head. */
function tagOf(env: string) {
  return imageTagAt(valuesPath(env));
}

/** The first production environment behind staging, with staging's version. */
function findBehind() {
  const version = tagOf('staging');
  const target = Object.keys(titles).find(env => tagOf(env) !== version);
  return target ? { target, version } : undefined;
}

/** Every environment already runs staging's version: roll checkout prod-eu back one version and wait until it is deployed. */
async function makeOneBehind(request: APIRequestContext) {
  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  const current = tagOf('prod-eu');
  const history = await request.get(
    `${backend}/api/gitops-promotion/environments/history?entityRef=component:default/checkout&environment=prod-eu`,
    { headers },
  );
  const previous = (
    (await history.json()).history as Array<{ to?: string }>
  ).find(entry => entry.to && entry.to !== current)!.to!;
  const created = await request.post(
    `${backend}/api/gitops-promotion/promotions`,
    {
      headers: { ...headers, 'Idempotency-Key': `e2e-${Date.now()}` },
      data: {
        entityRef: 'component:default/checkout',
        target: 'prod-eu',
        kind: 'rollback',
        versions: [previous],
      },
    },
  );
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(
              `${backend}/api/gitops-promotion/promotions/${id}`,
              {
                headers,
              },
            )
          ).json()
        ).state,
      { timeout: 90_000, intervals: [2000] },
    )
    .toBe('deployed');
}

test('a developer promotes staging to production and watches it deploy', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  // Progress arrives through Backstage signals (a WebSocket), not by polling.
  const sockets: string[] = [];
  page.on('websocket', socket => sockets.push(socket.url()));
  const promotionReads: number[] = [];
  page.on('request', req => {
    if (
      req.method() === 'GET' &&
      /\/api\/gitops-promotion\/promotions\/[^/?]+$/.test(req.url())
    ) {
      promotionReads.push(Date.now());
    }
  });

  if (!findBehind()) {
    await makeOneBehind(request);
  }
  const { target, version } = findBehind()!;
  const title = titles[target];
  const file = valuesPath(target);
  const before = git('rev-parse', 'main').trim();

  await signInAsGuest(page);

  await page.goto(`/catalog/default/component/${service}`);
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Environments', exact: true })
    .click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${service}/environments$`),
  );

  const staging = page.getByRole('article', { name: 'Staging' });
  await expect(
    staging.getByText(`Version ${version}`, { exact: true }),
  ).toBeVisible();
  const promote = staging.getByRole('button', { name: `Promote to ${title}` });
  await expect(promote).toBeEnabled();
  await expect(
    page.getByRole('article', { name: title }).getByText(/behind Staging/),
  ).toBeVisible();
  // The last deployments' authors come from the history: let them load.
  await expect(page.getByText(/ ago by /).first()).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/environments-tab.png' });

  await promote.click();
  const dialog = page.getByRole('dialog', {
    name: `Promote ${service} to ${title}`,
  });
  const diff = dialog.getByRole('figure', {
    name: 'Diff that will be committed',
  });
  const added = diff.locator('[data-kind="added"]');
  await expect(added).toHaveCount(1);
  await expect(added.locator('span').last()).toHaveText(`+  tag: "${version}"`);
  await expect(diff.locator('[data-kind="removed"]')).toHaveCount(1);
  await expect(dialog.getByText('Permission: Passed')).toBeVisible();
  await expect(dialog.getByText('Direct commit')).toBeVisible();
  const confirm = dialog.getByRole('button', {
    name: `Promote ${version} to ${title}`,
  });
  await expect(confirm).toBeEnabled();
  await page.mouse.move(0, 0);
  await page.screenshot({
    path: 'docs/screenshots/promote-dialog.png',
    // The confirm button fades from disabled to primary; show where it ends.
    animations: 'disabled',
  });

  const posted = page.waitForResponse(
    response =>
      response.url().endsWith('/api/gitops-promotion/promotions') &&
      response.request().method() === 'POST',
  );
  await confirm.click();
  const response = await posted;
  const confirmedAt = Date.now();
  expect(response.status()).toBe(201);
  const promotion = await response.json();
  expect(promotion.commitSha).toMatch(/^[0-9a-f]{40}$/);

  const status = dialog.getByRole('status');
  await expect(status).toHaveText(/Committed|Argo CD is syncing|Deployed/);
  await expect(
    dialog.getByTitle(promotion.commitSha, { exact: true }),
  ).toHaveText(promotion.commitSha.slice(0, 7));
  await expect(status).toHaveText(/^Deployed/, { timeout: 90_000 });
  await expect(dialog.getByText('Deployed', { exact: true })).toBeVisible();
  // The promotion is read again only when a signal says it moved (measured:
  // 2 reads in 26.6 s); polling every 2 s would have read it 13 times.
  expect(sockets.some(url => url.includes('/api/signals'))).toBe(true);
  const reads = promotionReads.filter(at => at >= confirmedAt).length;
  const seconds = (Date.now() - confirmedAt) / 1000;
  test.info().annotations.push({
    type: 'promotion reads',
    description: `${reads} reads of the promotion in ${seconds.toFixed(1)} s`,
  });
  expect(reads).toBeLessThanOrEqual(4);

  // The commit in the local GitOps repository: on main, after the previous
  // head, by the guest, changing exactly one line of one file.
  expect(git('merge-base', '--is-ancestor', before, promotion.commitSha)).toBe(
    '',
  );
  const message = git('show', '-s', '--format=%B', promotion.commitSha);
  expect(message).toContain(`Promote ${service} ${version} to ${target}`);
  expect(message).toMatch(/^Promoted-by: user:default\/guest$/m);
  expect(message).toContain(`Promotion-Id: ${promotion.id}`);
  expect(
    git('show', '--numstat', '--format=', promotion.commitSha).trim(),
  ).toBe(`1\t1\t${file}`);
  const changed = git('show', '--format=', '-U0', promotion.commitSha)
    .split('\n')
    .filter(line => /^[-+](?![-+]{2} )/.test(line));
  expect(changed).toEqual([
    expect.stringMatching(/^-\s+tag:/),
    `+  tag: "${version}"`,
  ]);
  expect(tagOf(target)).toBe(version);

  // Closing the dialog leaves the deployed promotion on the tab.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(
    page.getByRole('region', {
      name: `Promotion of ${service} ${version} to ${title}`,
    }),
  ).toBeVisible();
});
