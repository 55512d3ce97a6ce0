import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ArgoCdClient } from '../../clients/argocd';
import { VerificationCheckConfig } from '../../config/types';
import { PromotionRecord } from '../ledger';
import { Verifier } from './Verifier';

const promotion: PromotionRecord = {
  id: '3f0c6d8e-6a55-4d0b-9a53-1c5f1f7e2a10',
  service: 'checkout',
  targetEnv: 'staging',
  kind: 'promote',
  versions: [
    {
      path: 'envs/staging/checkout/values.yaml',
      key: 'image.tag',
      from: '1.0.0',
      to: '1.1.0',
    },
  ],
  requester: 'user:default/guest',
  mode: 'commit',
  repositoryId: 'acme-gitops',
  branch: 'main',
  state: 'verifying',
  createdAt: '2026-12-06T10:00:00.000Z',
  updatedAt: '2026-12-06T10:00:00.000Z',
  verifyingSince: '2026-12-06T10:00:00.000Z',
};
const START = Date.parse('2026-12-06T10:00:00.000Z');

/** A status of the stand-in's shape, as much as the health check reads. */
const argocdReporting = (health: string, message?: string) =>
  ({
    getStatus: async () => ({
      state: 'known',
      syncStatus: 'Synced',
      health: { status: health, ...(message && { message }) },
    }),
  } as unknown as ArgoCdClient);

describe('Verifier', () => {
  let server: http.Server;
  let base: string;
  const received: Array<{ url?: string; body: string }> = [];
  let answer: { status: number; body?: string } = { status: 200 };
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        received.push({ url: req.url, body });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  const verify = (
    checks: VerificationCheckConfig[],
    options: { now?: number; health?: string } = {},
  ) =>
    new Verifier({
      argocd: argocdReporting(
        options.health ?? 'Healthy',
        'Back-off restarting failed container',
      ),
      now: () => options.now ?? START,
    }).verify(promotion, checks);

  it('keeps Argo CD health pending until it held for the window, and fails it at the first unhealthy look', async () => {
    const health: VerificationCheckConfig[] = [
      { type: 'argocd-health', name: 'health', forMs: 60_000 },
    ];
    expect(await verify(health, { now: START + 30_000 })).toMatchObject({
      outcome: 'pending',
      results: [{ state: 'pending', message: 'Healthy for 30 s of 60 s' }],
    });
    expect(await verify(health, { now: START + 60_000 })).toMatchObject({
      outcome: 'passed',
      results: [{ state: 'passed' }],
    });
    expect(await verify(health, { health: 'Degraded' })).toMatchObject({
      outcome: 'failed',
      results: [
        {
          state: 'failed',
          message:
            'Argo CD reports Degraded: Back-off restarting failed container',
        },
      ],
    });
  });

  it.each([
    [200, undefined, 'passed', 'HTTP 200'],
    [503, undefined, 'failed', 'HTTP 503, expected 2xx'],
    [204, 204, 'passed', 'HTTP 204'],
    [200, 204, 'failed', 'HTTP 200, expected 204'],
  ])(
    'an HTTP check answered %i (expecting %s) has %s',
    async (status, expectStatus, state, message) => {
      answer = { status };
      const { results } = await verify([
        {
          type: 'http',
          name: 'smoke',
          url: `${base}/{service}/{env}`,
          timeoutMs: 1000,
          expectStatus,
        },
      ]);
      expect(results).toEqual([
        {
          name: 'smoke',
          type: 'http',
          state,
          message,
          at: new Date(START).toISOString(),
        },
      ]);
      expect(received.at(-1)?.url).toBe('/checkout/staging');
    },
  );

  it.each([
    [
      '{"passed":true,"message":"error rate 0.1%"}',
      'passed',
      'error rate 0.1%',
    ],
    ['{"passed":false,"message":"error rate 7%"}', 'failed', 'error rate 7%'],
    [
      '{"result":"ok"}',
      'failed',
      'the webhook did not answer { "passed": true | false }',
    ],
  ])('a webhook answering %s has %s', async (body, state, message) => {
    answer = { status: 200, body };
    const { results } = await verify([
      {
        type: 'webhook',
        name: 'canary',
        url: `${base}/verify`,
        timeoutMs: 1000,
      },
    ]);
    expect(results[0]).toMatchObject({ state, message });
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({
      check: 'canary',
      promotion: {
        id: promotion.id,
        service: 'checkout',
        targetEnv: 'staging',
      },
    });
    expect(JSON.parse(received.at(-1)!.body).promotion).not.toHaveProperty(
      'verifyingSince',
    );
  });

  it('fails a check whose endpoint cannot be reached, saying so', async () => {
    const { outcome, results } = await verify([
      {
        type: 'http',
        name: 'smoke',
        url: 'http://127.0.0.1:1/healthz',
        timeoutMs: 1000,
      },
    ]);
    expect(outcome).toBe('failed');
    expect(results[0].message).toMatch(/^could not run the check: /);
  });

  it('does not look again at a check that passed', async () => {
    answer = { status: 503 };
    const before = received.length;
    const { outcome } = await new Verifier({ now: () => START }).verify(
      {
        ...promotion,
        verification: [
          { name: 'smoke', type: 'http', state: 'passed', message: 'HTTP 200' },
        ],
      },
      [{ type: 'http', name: 'smoke', url: `${base}/x`, timeoutMs: 1000 }],
    );
    expect(outcome).toBe('passed');
    expect(received.length).toBe(before);
  });
});
