import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { startPromotionBackend } from '../__testUtils__/promotionBackend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFile } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { createRegisterServiceAction } from './registerService';

// The action against the real gitops-promotion backend (test backend, real
// auth stack with mock tokens, real git repository).
jest.setTimeout(60_000);

const run = promisify(execFile);

describe('gitops-promotion:register-service', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  let action: ReturnType<typeof createRegisterServiceAction>;

  beforeAll(async () => {
    backend = await startPromotionBackend({
      deny: { 'user:default/sofia.alvarez': ['prod-*'] },
    });
    const { port } = backend.server.address() as AddressInfo;
    action = createRegisterServiceAction({
      discovery: {
        getBaseUrl: async pluginId =>
          `http://127.0.0.1:${port}/api/${pluginId}`,
        getExternalBaseUrl: async pluginId =>
          `http://127.0.0.1:${port}/api/${pluginId}`,
      },
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
    });
  });
  afterAll(() => backend.stop());

  const git = async (...args: string[]) =>
    (await run('git', ['--git-dir', backend.repository.url, ...args])).stdout;
  const head = async () => (await git('rev-parse', 'main')).trim();

  /** Runs the action as a template step would, collecting outputs and logs. */
  async function runAction(
    input: Record<string, unknown>,
    options: { dryRun?: boolean; credentials?: BackstageCredentials } = {},
  ) {
    const logger = mockServices.logger.mock();
    const outputs: Record<string, unknown> = {};
    const ctx = {
      ...createMockActionContext({ input: input as never, logger }),
      isDryRun: options.dryRun,
      getInitiatorCredentials: async () =>
        options.credentials ?? mockCredentials.user('user:default/guest'),
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
    };
    await action.handler(ctx as never);
    const logs = logger.info.mock.calls.map(([message]) => String(message));
    return { outputs, logs };
  }

  const billing = {
    service: 'billing',
    imageRepository: 'ghcr.io/acme/billing',
    version: '1.0.0',
  };

  it('writes the files of every environment in one commit by the user who ran the template', async () => {
    const before = await head();

    const { outputs, logs } = await runAction(billing);

    const after = await head();
    expect(outputs).toEqual({
      created: true,
      message: `Registered billing 1.0.0 in dev, staging, prod-eu, prod-us with commit ${after.slice(
        0,
        12,
      )} on acme-gitops@main`,
      commitSha: after,
      layout: 'helm-env-dir',
      environments: ['dev', 'staging', 'prod-eu', 'prod-us'],
      annotations: {
        'gitops-promotion/service': 'billing',
        'gitops-promotion/layout': 'helm-env-dir',
      },
    });
    expect(
      (await git('rev-list', `${before}..main`)).trim().split('\n'),
    ).toEqual([after]);
    expect(await git('show', '--name-status', '--format=%an <%ae>|%s', after))
      .toBe(`Guest <guest@acme.test>|Register billing 1.0.0 in dev, staging, prod-eu, prod-us

A\tenvs/dev/billing/values.yaml
A\tenvs/prod-eu/billing/values.yaml
A\tenvs/prod-us/billing/values.yaml
A\tenvs/staging/billing/values.yaml
`);
    expect(await git('show', `${after}:envs/prod-us/billing/values.yaml`))
      .toContain(`image:
  repository: ghcr.io/acme/billing
  tag: "1.0.0"
`);
    expect(logs).toContain('envs/dev/billing/values.yaml (dev): new');
  });

  it('changes nothing when run again, and says so', async () => {
    const before = await head();

    const { outputs, logs } = await runAction(billing);

    expect(outputs.created).toBe(false);
    expect(outputs.commitSha).toBeUndefined();
    expect(outputs.message).toMatch(
      /^billing is already registered in dev, staging, prod-eu, prod-us of acme-gitops@main \([0-9a-f]{12}\); nothing to change$/,
    );
    expect(logs).toContain('envs/dev/billing/values.yaml (dev): already there');
    expect(await head()).toBe(before);
  });

  it('reports a partly registered service and writes nothing', async () => {
    await runAction({
      ...billing,
      service: 'invoices',
      layout: 'helm-values-per-env',
      environments: ['dev'],
    });
    const before = await head();

    await expect(
      runAction({
        ...billing,
        service: 'invoices',
        layout: 'helm-values-per-env',
      }),
    ).rejects.toThrow(
      /^Cannot register invoices: invoices already has files in acme-gitops@main \([0-9a-f]{12}\); nothing was written\. Existing: charts\/invoices\/values-dev\.yaml \(as it would be written\)\./,
    );
    expect(await head()).toBe(before);
  });

  it('shows the diff in a dry run and writes nothing', async () => {
    const before = await head();

    const { outputs, logs } = await runAction(
      { ...billing, service: 'ledger-api', layout: 'umbrella-chart' },
      { dryRun: true },
    );

    expect(outputs).toMatchObject({
      created: false,
      layout: 'umbrella-chart',
      annotations: {
        'gitops-promotion/service': 'ledger-api',
        'gitops-promotion/layout': 'umbrella-chart',
      },
    });
    expect(outputs.commitSha).toBeUndefined();
    expect(outputs.message).toMatch(
      /^Would commit 8 new file\(s\) on acme-gitops@main \([0-9a-f]{12}\): Register ledger-api 1\.0\.0 in dev, staging, prod-eu, prod-us$/,
    );
    const diff = logs.find(l =>
      l.startsWith('apps/ledger-api/staging/values.yaml (staging):\n'),
    );
    expect(diff).toContain(
      '--- /dev/null\n+++ b/apps/ledger-api/staging/values.yaml\n',
    );
    expect(diff).toContain('+    tag: "1.0.0"\n');
    expect(await head()).toBe(before);
    await expect(
      git('show', 'main:apps/ledger-api/dev/Chart.yaml'),
    ).rejects.toThrow();
  });

  it.each<[string, Record<string, unknown>, RegExp | string]>([
    [
      'a service name that is not a DNS label',
      { service: 'Billing_API' },
      "Cannot register Billing_API: Invalid service name 'Billing_API': a new service's name must be a DNS label",
    ],
    [
      'an unknown environment',
      { service: 'audit', environments: ['dev', 'qa'] },
      "Cannot register audit: Unknown environment 'qa'; configured: dev, staging, prod-eu, prod-us",
    ],
    [
      'an unknown layout',
      { service: 'audit', layout: 'helm' },
      "Cannot register audit: Unknown layout 'helm'; configured: helm-env-dir, helm-values-per-env, kustomize-overlay, umbrella-chart",
    ],
    [
      'a layout whose file is shared by services',
      { service: 'audit', layout: 'kustomize-overlay' },
      "Cannot register audit: Layout 'kustomize-overlay' cannot register new services: its file overlays/{env}/kustomization.yaml is shared by services",
    ],
    [
      'a moving tag for a protected environment',
      { service: 'audit', version: 'latest' },
      "Cannot register audit: Registration refused. Immutable versions: prod-eu is protected and accepts only immutable versions, but image.tag 'latest' is a tag that moves.",
    ],
  ])('refuses %s, writing nothing', async (_name, change, message) => {
    const before = await head();
    await expect(runAction({ ...billing, ...change })).rejects.toThrow(message);
    expect(await head()).toBe(before);
  });

  it('refuses environments the user may not promote into, writing nothing', async () => {
    const before = await head();
    await expect(
      runAction(
        { ...billing, service: 'audit' },
        { credentials: mockCredentials.user('user:default/sofia.alvarez') },
      ),
    ).rejects.toThrow(
      'Not allowed: You may not register audit in prod-eu, prod-us: it needs the permission gitops-promotion.environment.promote for each environment. Ask an administrator to grant it, or register the other environments',
    );
    expect(await head()).toBe(before);

    // the environments they may promote into work
    const { outputs } = await runAction(
      { ...billing, service: 'audit', environments: ['dev', 'staging'] },
      { credentials: mockCredentials.user('user:default/sofia.alvarez') },
    );
    expect(outputs.created).toBe(true);
    expect(await git('log', '-1', '--format=%an', 'main')).toBe(
      'Sofia Alvarez\n',
    );
  });

  it('refuses a template run by a service instead of a user', async () => {
    await expect(
      runAction(
        { ...billing, service: 'audit2' },
        { credentials: mockCredentials.service('external:ci') },
      ),
    ).rejects.toThrow(/^Not allowed: /);
  });
});
