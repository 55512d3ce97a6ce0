import { test, expect, APIRequestContext } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  backend,
  git,
  gitDir,
  guestToken,
  root,
  signInAsGuest,
} from './portal';

/**
 * Onboarding: a developer runs the "Register a service for GitOps Promotion"
 * template from the Create page on the embedded default (local GitOps
 * repository, local catalog, Argo CD stand-in). The service's files land in
 * the GitOps repository in one commit by the guest, its entity in the catalog
 * (its Environments tab shows the first version), and the environment matrix
 * shows it with its first version and a status from the Argo CD stand-in.
 *
 * Each run registers a new service (a unique name); afterwards its files are
 * removed from the GitOps repository and its entity from the local catalog,
 * so the demo data (and the catalog counts other tests expect) stay as they
 * were.
 */

const scaffolded = path.join(root, '.data/scaffolded');
const version = '0.1.0';
const environments = {
  dev: 'Development',
  staging: 'Staging',
  'prod-eu': 'Production EU',
  'prod-us': 'Production US',
};

/** Removes the service's files from the GitOps repository in one commit. */
function removeFromRepository(service: string) {
  const files = git('ls-tree', '-r', '--name-only', 'main')
    .split('\n')
    .filter(file => file.split('/').includes(service));
  if (files.length === 0) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-onboarding-'));
  try {
    const run = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: work,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'e2e',
          GIT_AUTHOR_EMAIL: 'e2e@acme.test',
          GIT_COMMITTER_NAME: 'e2e',
          GIT_COMMITTER_EMAIL: 'e2e@acme.test',
        },
      });
    run('clone', '--quiet', gitDir, '.');
    run('rm', '--quiet', ...files);
    run('commit', '--quiet', '-m', `Remove ${service} (end-to-end test)`);
    run('push', '--quiet', 'origin', 'main');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Removes the entity from the local catalog: without its file the catalog
 * deletes it as an orphan once the location is read again (or, with
 * `catalog.orphanStrategy: keep`, marks it as one and it is deleted here).
 */
async function removeFromCatalog(request: APIRequestContext, service: string) {
  fs.rmSync(path.join(scaffolded, service), { recursive: true, force: true });
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const entityUrl = `${backend}/api/catalog/entities/by-name/component/default/${service}`;
  await request.post(`${backend}/api/catalog/refresh`, {
    headers,
    data: { entityRef: 'location:default/scaffolded-entities' },
  });
  await expect
    .poll(
      async () => {
        const response = await request.get(entityUrl, { headers });
        if (response.status() === 404) return 'gone';
        const entity = await response.json();
        if (entity.metadata.annotations?.['backstage.io/orphan'] !== 'true') {
          return 'present';
        }
        await request.delete(
          `${backend}/api/catalog/entities/by-uid/${entity.metadata.uid}`,
          { headers },
        );
        return 'orphan deleted';
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .not.toBe('present');
}

let registered: string | undefined;

test.afterEach(async ({ request }) => {
  if (!registered) return;
  removeFromRepository(registered);
  await removeFromCatalog(request, registered);
  registered = undefined;
});

test('a developer registers a new service from the Create page and sees it deployed', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const service = `e2e-${Date.now().toString(36)}`;
  const before = git('rev-parse', 'main').trim();
  registered = service;

  await signInAsGuest(page);

  // The Create page lists the template; choose it.
  await page.goto('/create');
  const card = page
    .getByRole('article')
    .filter({ hasText: 'Register a service for GitOps Promotion' });
  await card.getByRole('button', { name: 'Choose' }).click();
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/register-service/,
  );

  // Step 1: the service
  await page.getByRole('textbox', { name: 'Name' }).fill(service);
  await page
    .getByRole('textbox', { name: 'Description' })
    .fill('Created by the end-to-end test');
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  await owner.fill('Checkout');
  await page.getByRole('option', { name: 'Checkout', exact: true }).click();
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 2: deployment (default layout, every environment)
  await page
    .getByRole('textbox', { name: 'Image repository' })
    .fill(`ghcr.io/acme/${service}`);
  await page.getByRole('textbox', { name: 'First version' }).fill(version);
  await page.getByRole('button', { name: 'Review' }).click();

  await page.getByRole('button', { name: 'Create' }).click();

  // The run: every step completes, the output links to the new entity.
  const openInCatalog = page.getByRole('link', { name: 'Open in catalog' });
  await expect(openInCatalog).toBeVisible({ timeout: 120_000 });
  // The step's message, in the run's text output (and in its log)
  await expect(
    page
      .getByText(
        new RegExp(
          `Registered ${service} ${version} in dev, staging, prod-eu, prod-us with commit [0-9a-f]{12} on acme-gitops@main`,
        ),
      )
      .first(),
  ).toBeVisible();

  // One commit by the guest with the service's file for every environment.
  const commits = git('rev-list', `${before}..main`).trim().split('\n');
  const commit = commits.find(sha =>
    git('show', '-s', '--format=%s', sha).startsWith(`Register ${service} `),
  )!;
  expect(commit).toBeDefined();
  expect(git('show', '-s', '--format=%an <%ae>', commit).trim()).toBe(
    'Guest <guest@acme.test>',
  );
  expect(
    git('show', '--name-status', '--format=', commit).trim().split('\n'),
  ).toEqual(
    Object.keys(environments)
      .sort()
      .map(env => `A\tenvs/${env}/${service}/values.yaml`),
  );
  expect(git('show', `${commit}:envs/dev/${service}/values.yaml`)).toContain(
    `  repository: ghcr.io/acme/${service}\n  tag: "${version}"\n`,
  );

  // The new entity, annotated for GitOps Promotion: its Environments tab
  // shows the first version in every environment.
  await openInCatalog.click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${service}`),
  );
  // The entity's tab, not the sidebar's Environments (the matrix page)
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Environments', exact: true })
    .click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${service}/environments$`),
  );
  for (const title of Object.values(environments)) {
    await expect(
      page
        .getByRole('article', { name: title })
        .getByText(`Version ${version}`, { exact: true }),
    ).toBeVisible();
  }

  // The environment matrix: one row for the new service with its first
  // version in every environment and a status from the Argo CD stand-in,
  // which discovers the new applications and syncs them.
  await page.goto(`/gitops-promotion?q=${service}`);
  const row = page.getByRole('row', { name: new RegExp(service) });
  await expect(row).toHaveCount(1);
  const cells = row.getByRole('cell').filter({ hasText: version });
  await expect(cells).toHaveCount(Object.keys(environments).length);
  await expect(async () => {
    await page.reload();
    await expect(cells.first()).toContainText(/Synced · Healthy/, {
      timeout: 5000,
    });
  }).toPass({ timeout: 90_000, intervals: [2000] });
  for (const cell of await cells.all()) {
    await expect(cell).toContainText(/(Synced|Out of sync) · \w+/);
  }
});
