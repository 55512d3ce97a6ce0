import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { mockApis, TestApiProvider } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import {
  AutoPromotionPause,
  EnvironmentHistoryResponse,
  EnvironmentView,
  InFlightPromotion,
  MatrixCell,
  MatrixCellStatus,
  MatrixEnvironment,
  MatrixResponse,
  MatrixService,
  PromotionRecord,
  PromotionTargetPreview,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { GitopsPromotionApi, gitopsPromotionApiRef } from '../api';

export const entityRef = 'component:default/checkout';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: { 'gitops-promotion/service': 'checkout' },
  },
  spec: { type: 'service', owner: 'team-checkout', lifecycle: 'production' },
};

const known = (
  version: string,
  overrides: Partial<
    Extract<EnvironmentView['status'], { state: 'known' }>
  > = {},
): EnvironmentView['status'] => ({
  state: 'known',
  syncStatus: 'Synced',
  revision: 'a'.repeat(40),
  revisions: [],
  health: { status: 'Healthy' },
  images: [`ghcr.io/acme/checkout:${version}`],
  lastDeployedAt: '2026-11-20T16:54:45.000Z',
  application: { instance: 'local', name: 'checkout' },
  ...overrides,
});

export function environment(
  overrides: Partial<EnvironmentView> & { name: string },
): EnvironmentView {
  const version = overrides.version ?? '2.6.1';
  return {
    title: overrides.name,
    promotesFrom: [],
    mode: 'commit',
    protected: false,
    frozen: [],
    version,
    values: [
      {
        path: `envs/${overrides.name}/checkout/values.yaml`,
        key: 'image.tag',
        value: version,
      },
    ],
    commitSha: 'b'.repeat(40),
    status: known(version),
    lastChange: history(overrides.name).history[0],
    openPullRequests: [],
    inFlight: [],
    promote: [],
    mayPromote: true,
    ...overrides,
  };
}

/** dev → staging → prod-eu, prod-us; prod-eu is behind staging. */
export function pipeline(): EnvironmentView[] {
  return [
    environment({
      name: 'dev',
      title: 'Development',
      promote: [{ target: 'staging', allowed: true, reasons: [] }],
    }),
    environment({
      name: 'staging',
      title: 'Staging',
      promotesFrom: ['dev'],
      lag: { upstream: 'dev', upstreamVersion: '2.6.1', versionsBehind: 0 },
      promote: [
        { target: 'prod-eu', allowed: true, reasons: [] },
        { target: 'prod-us', allowed: true, reasons: [] },
      ],
    }),
    environment({
      name: 'prod-eu',
      title: 'Production EU',
      promotesFrom: ['staging'],
      protected: true,
      version: '2.5.0',
      lag: {
        upstream: 'staging',
        upstreamVersion: '2.6.1',
        versionsBehind: 1,
        behindSince: '2026-11-19T10:00:00Z',
      },
    }),
    environment({
      name: 'prod-us',
      title: 'Production US',
      promotesFrom: ['staging'],
      protected: true,
      version: '2.4.0',
      lag: { upstream: 'staging', upstreamVersion: '2.6.1', versionsBehind: 2 },
    }),
  ];
}

export const DIFF = [
  '--- a/envs/prod-eu/checkout/values.yaml',
  '+++ b/envs/prod-eu/checkout/values.yaml',
  '@@ -9,7 +9,7 @@',
  ' image:',
  '   repository: ghcr.io/acme/checkout',
  '-  tag: "2.5.0"',
  '+  tag: "2.6.1"',
  '   pullPolicy: IfNotPresent',
  '',
].join('\n');

export function preview(
  overrides: Partial<PromotionTargetPreview> = {},
): PromotionTargetPreview {
  return {
    environment: 'prod-eu',
    mode: 'commit',
    baseCommit: 'c'.repeat(40),
    sourceCommit: 'f'.repeat(40),
    versions: ['2.6.1'],
    edits: [
      {
        path: 'envs/prod-eu/checkout/values.yaml',
        key: 'image.tag',
        from: '2.5.0',
        to: '2.6.1',
      },
    ],
    diff: DIFF,
    allowed: true,
    verdicts: [
      {
        rule: 'permission',
        passed: true,
        message: 'Permission: you may promote to prod-eu.',
      },
      {
        rule: 'upstream-gate',
        passed: true,
        message: 'Upstream gate: staging runs 2.6.1, Synced, Healthy.',
      },
      {
        rule: 'freeze-window',
        passed: true,
        message: 'Freeze windows: prod-eu has none.',
      },
    ],
    ...overrides,
  };
}

export function promotion(
  overrides: Partial<PromotionRecord> = {},
): PromotionRecord {
  return {
    id: '6f1c2a52-0b7e-4c55-9a3b-6f3f4c1d2e10',
    entityRef,
    service: 'checkout',
    sourceEnv: 'staging',
    targetEnv: 'prod-eu',
    kind: 'promote',
    versions: [
      {
        path: 'envs/prod-eu/checkout/values.yaml',
        key: 'image.tag',
        from: '2.5.0',
        to: '2.6.1',
      },
    ],
    requester: 'user:default/guest',
    mode: 'commit',
    repositoryId: 'acme-gitops',
    branch: 'main',
    commitSha: 'd'.repeat(40),
    state: 'committed',
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

/**
 * A promotion of checkout 2.5.0 → 2.6.1 from staging into prod-eu as the
 * Environments tab lists it: awaiting 2 approvals from release-managers, one
 * given by Marcus, requested by Priya; the caller may decide.
 */
export function awaitingApproval(
  overrides: Partial<InFlightPromotion> = {},
): InFlightPromotion {
  return {
    id: promotion().id,
    state: 'awaiting-approval',
    sourceEnv: 'staging',
    versions: promotion().versions,
    createdAt: '2026-11-22T11:00:00Z',
    requester: 'user:default/priya',
    approvals: {
      required: 2,
      from: ['group:default/release-managers'],
      decisions: [
        {
          approver: 'user:default/marcus',
          decision: 'approve',
          at: '2026-11-22T11:30:00Z',
        },
      ],
    },
    mayDecide: true,
    ...overrides,
  };
}

/**
 * The pipeline with gates on prod-eu: promoted from staging automatically
 * after 30 minutes, 2 approvals from release-managers, verified by
 * smoke-test and error-rate, rolled back on failure; the caller may pause
 * its automatic promotion.
 */
export function gatedPipeline(
  prodEu: Partial<EnvironmentView> = {},
): EnvironmentView[] {
  return pipeline().map(env =>
    env.name === 'prod-eu'
      ? {
          ...env,
          gates: {
            autoPromotesFrom: [{ environment: 'staging', after: 'PT30M' }],
            approvals: {
              required: 2,
              from: ['group:default/release-managers'],
            },
            verification: ['smoke-test', 'error-rate'],
            rollbackOnFailure: true,
          },
          mayPausePromotion: true,
          ...prodEu,
        }
      : env,
  );
}

/** A pause as the backend answers it, made by the guest now. */
export function pause(
  overrides: Partial<AutoPromotionPause> = {},
): AutoPromotionPause {
  return {
    pausedBy: 'user:default/guest',
    pausedAt: new Date().toISOString(),
    ...overrides,
  };
}

export function history(environmentName: string): EnvironmentHistoryResponse {
  return {
    entityRef,
    environment: environmentName,
    path: `envs/${environmentName}/checkout/values.yaml`,
    key: 'image.tag',
    history: [
      {
        commitSha: '1'.repeat(40),
        author: { name: 'Priya Raman', email: 'priya.raman@acme.test' },
        date: '2026-11-01T10:31:00Z',
        message: `Promote checkout 2.5.0 to ${environmentName}`,
        from: '2.4.0',
        to: '2.5.0',
        versions: ['2.5.0'],
      },
      {
        commitSha: '2'.repeat(40),
        author: { name: 'Marcus Chen', email: 'marcus.chen@acme.test' },
        date: '2026-10-01T10:05:00Z',
        message: `Promote checkout 2.4.0 to ${environmentName}`,
        from: '2.3.1',
        to: '2.4.0',
        versions: ['2.4.0'],
      },
    ],
  };
}

/**
 * Production EU of checkout as a bundle (the umbrella-chart layout): the
 * platform chart's version and the image tag move together.
 */
export function bundleEnvironment(): EnvironmentView {
  return environment({
    name: 'prod-eu',
    title: 'Production EU',
    promotesFrom: ['staging'],
    protected: true,
    version: '1.4.3',
    values: [
      {
        path: 'apps/checkout/prod-eu/Chart.yaml',
        key: 'dependencies[name=service-base].version',
        value: '1.4.3',
      },
      {
        path: 'apps/checkout/prod-eu/values.yaml',
        key: 'service-base.image.tag',
        value: '2.5.0',
      },
    ],
  });
}

/**
 * The history of {@link bundleEnvironment}, newest first: the image tag
 * moved (now current), the chart moved, the image tag moved, and an old
 * commit from before the image tag was set.
 */
export function bundleHistory(): EnvironmentHistoryResponse {
  const entry = (
    n: number,
    message: string,
    from: string,
    to: string,
    versions?: string[],
  ) => ({
    commitSha: String(n).repeat(40),
    author: { name: 'Priya Raman', email: 'priya.raman@acme.test' },
    date: `2026-11-0${n}T10:00:00Z`,
    message,
    from,
    to,
    versions,
  });
  return {
    entityRef,
    environment: 'prod-eu',
    path: 'apps/checkout/prod-eu/Chart.yaml',
    key: 'dependencies[name=service-base].version',
    history: [
      entry(4, 'Promote checkout 2.5.0', '1.4.3', '1.4.3', ['1.4.3', '2.5.0']),
      entry(3, 'Platform chart 1.4.3', '1.4.2', '1.4.3', ['1.4.3', '2.4.0']),
      entry(2, 'Promote checkout 2.4.0', '1.4.2', '1.4.2', ['1.4.2', '2.4.0']),
      entry(1, 'Platform chart 1.4.2', '1.4.1', '1.4.2'),
    ],
  };
}

/** A matrix cell's Argo CD status: Synced and Healthy unless overridden. */
export function matrixStatus(
  overrides: Partial<Extract<MatrixCellStatus, { state: 'known' }>> = {},
): MatrixCellStatus {
  return {
    state: 'known',
    syncStatus: 'Synced',
    health: { status: 'Healthy' },
    ...overrides,
  };
}

/**
 * A matrix cell as the backend sends it: Synced and Healthy at `version`,
 * up to date, the optional fields left out, unless overridden.
 */
export function matrixCell(overrides: Partial<MatrixCell> = {}): MatrixCell {
  return {
    version: '1.0.0',
    status: matrixStatus(),
    behind: false,
    ...overrides,
  };
}

export const MATRIX_NOW = Date.parse('2026-11-22T12:00:00Z');

/**
 * dev → staging → prod-eu (protected, frozen) and four services:
 * checkout (team-checkout) 2 versions behind in prod-eu for 27 days; cart
 * (team-checkout) Degraded in prod-eu; inventory (team-fulfilment) drifting in
 * staging with an open PR into prod-eu; search (team-search) unknown to Argo CD.
 */
export function matrix(): MatrixResponse {
  const service = (
    name: string,
    owner: string,
    cells: MatrixCell[],
    lastDeployedAt?: string,
  ): MatrixService => ({
    ...(lastDeployedAt && { lastDeployedAt }),
    entityRef: `component:default/${name}`,
    service: name,
    title: name,
    owner,
    owners: [`group:default/${owner}`],
    system: 'shop',
    systems: ['system:default/shop'],
    lifecycle: name === 'search' ? 'experimental' : 'production',
    cells,
  });
  return {
    lagPending: false,
    environments: [
      {
        name: 'dev',
        title: 'Development',
        promotesFrom: [],
        mode: 'commit',
        protected: false,
        frozen: [],
      },
      {
        name: 'staging',
        title: 'Staging',
        promotesFrom: ['dev'],
        mode: 'commit',
        protected: false,
        frozen: [],
      },
      {
        name: 'prod-eu',
        title: 'Production EU',
        promotesFrom: ['staging'],
        mode: 'pull-request',
        protected: true,
        frozen: ['weekend'],
      },
    ],
    services: [
      service(
        'checkout',
        'team-checkout',
        [
          matrixCell({ version: '2.6.1' }),
          matrixCell({ version: '2.6.1' }),
          matrixCell({
            version: '2.5.0',
            behind: true,
            lag: {
              upstream: 'staging',
              upstreamVersion: '2.6.1',
              versionsBehind: 2,
              behindSince: '2026-10-26T10:00:00Z',
            },
          }),
        ],
        '2026-11-01T09:00:00Z',
      ),
      service(
        'cart',
        'team-checkout',
        [
          matrixCell({ version: '3.1.0' }),
          matrixCell({ version: '3.1.0' }),
          matrixCell({
            version: '3.1.0',
            status: matrixStatus({
              health: { status: 'Degraded', message: 'CrashLoopBackOff' },
            }),
          }),
        ],
        '2026-11-21T08:00:00Z',
      ),
      service('inventory', 'team-fulfilment', [
        matrixCell({ version: '4.3.0' }),
        matrixCell({
          version: '4.3.0',
          drift: { desired: '4.3.0', live: ['ghcr.io/acme/inventory:4.2.0'] },
          status: matrixStatus({ syncStatus: 'OutOfSync' }),
        }),
        matrixCell({
          version: '4.1.0',
          behind: true,
          lag: {
            upstream: 'staging',
            upstreamVersion: '4.3.0',
            versionsBehind: 1,
            behindSince: '2026-11-20T12:00:00Z',
          },
          openPullRequests: [
            {
              id: 'p9',
              url: 'https://github.test/acme/gitops/pull/9',
              number: 9,
            },
          ],
          inFlight: [{ id: 'p9', state: 'pr-open', sourceEnv: 'staging' }],
        }),
      ]),
      service('search', 'team-search', [
        matrixCell({
          version: 'v1.14.0',
          status: {
            state: 'unknown',
            reason: 'instance-unreachable',
            message: 'Argo CD instance local did not answer',
          },
        }),
        matrixCell({ version: 'v1.14.0' }),
        matrixCell({ version: 'v1.14.0' }),
      ]),
    ],
  };
}

/**
 * The matrix with Production EU promoted from Staging automatically after 30
 * minutes, which the caller may pause for every service (`mayPausePromotion`).
 */
export function autoMatrix(
  prodEu: Partial<MatrixEnvironment> = {},
): MatrixResponse {
  const m = matrix();
  m.environments = m.environments.map(env =>
    env.name === 'prod-eu'
      ? {
          ...env,
          gates: {
            autoPromotesFrom: [{ environment: 'staging', after: 'PT30M' }],
          },
          mayPausePromotion: true,
          ...prodEu,
        }
      : env,
  );
  return m;
}

/** A mock of every API method; override what the test needs. */
export function mockGitopsPromotionApi(
  overrides: Partial<GitopsPromotionApi> = {},
): jest.Mocked<GitopsPromotionApi> {
  return {
    getEnvironments: jest.fn(async () => ({
      entityRef,
      service: 'checkout',
      environments: pipeline(),
    })),
    getHistory: jest.fn(async ({ environment: name }) => history(name)),
    previewPromotion: jest.fn(async () => ({
      entityRef,
      service: 'checkout',
      source: 'staging',
      targets: [preview()],
    })),
    promote: jest.fn(async () => promotion()),
    getPromotion: jest.fn(async () => promotion({ state: 'deployed' })),
    decidePromotion: jest.fn(async (id, { decision }) =>
      promotion({ id, state: decision === 'approve' ? 'pending' : 'rejected' }),
    ),
    listAutoPromotionPauses: jest.fn(async () => ({ items: [] })),
    pauseAutoPromotion: jest.fn(async request => pause(request)),
    resumeAutoPromotion: jest.fn(async request => pause(request)),
    getMatrix: jest.fn(async () => matrix()),
    previewBulkPromotion: jest.fn(async () => ({
      source: 'staging',
      target: 'prod-eu',
      services: [],
    })),
    promoteBulk: jest.fn(async () => ({
      bulkId: 'b1',
      promotions: [],
      refused: [],
    })),
    getDeliveryFigures: jest.fn(async () => ({
      since: '2026-10-23T00:00:00.000Z',
      until: '2026-11-22T00:00:00.000Z',
      services: [],
      total: { environments: [], leadTime: { samples: 0 } },
    })),
    ...overrides,
  } as jest.Mocked<GitopsPromotionApi>;
}

/** A ResponseError as the client throws it for a Backstage error body. */
export async function responseError(status: number, message: string) {
  const names: Record<number, string> = {
    403: 'NotAllowedError',
    409: 'ConflictError',
    503: 'ServiceUnavailableError',
  };
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: names[status] ?? 'Error', message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: names[status],
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

/**
 * The providers the plugin's components need: the API, permissions, the
 * entity, and signals when given (without, the app has none).
 */
export function Providers(props: {
  api: GitopsPromotionApi;
  signals?: SignalApi;
  permission?: (request: {
    permission: { name: string };
    resourceRef?: string;
  }) => AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  entity?: Entity;
  children: ReactNode;
}) {
  return (
    <TestApiProvider
      apis={[
        [gitopsPromotionApiRef, props.api],
        mockApis.permission({
          authorize: props.permission
            ? request => props.permission!(request as any)
            : AuthorizeResult.ALLOW,
        }),
        ...(props.signals ? [[signalApiRef, props.signals] as const] : []),
      ]}
    >
      {/* usePermission caches decisions in SWR: one cache per test */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={props.entity ?? entity}>
          {props.children}
        </EntityProvider>
      </SWRConfig>
    </TestApiProvider>
  );
}
