import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GitopsPromotionClient } from './GitopsPromotionClient';

const baseUrl = 'http://backstage.test/api/gitops-promotion';

describe('GitopsPromotionClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new GitopsPromotionClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });

  it('reads the environments of an entity', async () => {
    server.use(
      http.get(`${baseUrl}/environments`, ({ request }) =>
        HttpResponse.json({
          entityRef: new URL(request.url).searchParams.get('entityRef'),
          service: 'checkout',
          environments: [],
        }),
      ),
    );
    await expect(
      client.getEnvironments('component:default/checkout'),
    ).resolves.toEqual({
      entityRef: 'component:default/checkout',
      service: 'checkout',
      environments: [],
    });
  });

  it('asks for the history of one environment', async () => {
    let query = '';
    server.use(
      http.get(`${baseUrl}/environments/history`, ({ request }) => {
        query = new URL(request.url).search;
        return HttpResponse.json({ history: [] });
      }),
    );
    await client.getHistory({
      entityRef: 'component:default/checkout',
      environment: 'prod-eu',
      limit: 5,
    });
    expect(query).toBe(
      '?entityRef=component%3Adefault%2Fcheckout&environment=prod-eu&limit=5',
    );
  });

  it('posts a promotion as JSON with the idempotency key', async () => {
    let seen: { body: unknown; key: string | null; type: string | null } = {
      body: undefined,
      key: null,
      type: null,
    };
    server.use(
      http.post(`${baseUrl}/promotions`, async ({ request }) => {
        seen = {
          body: await request.json(),
          key: request.headers.get('Idempotency-Key'),
          type: request.headers.get('Content-Type'),
        };
        return HttpResponse.json(
          { id: 'p1', state: 'committed' },
          { status: 201 },
        );
      }),
    );
    const request = {
      entityRef: 'component:default/checkout',
      source: 'staging',
      target: 'prod-eu',
      baseCommit: 'c'.repeat(40),
    };
    await expect(
      client.promote(request, { idempotencyKey: 'key-1' }),
    ).resolves.toMatchObject({ id: 'p1' });
    expect(seen).toEqual({
      body: request,
      key: 'key-1',
      type: 'application/json',
    });
  });

  it('posts a preview and reads a promotion', async () => {
    server.use(
      http.post(`${baseUrl}/promotions/preview`, async ({ request }) =>
        HttpResponse.json({ targets: [], echo: await request.json() }),
      ),
      http.get(`${baseUrl}/promotions/:id`, ({ params }) =>
        HttpResponse.json({ id: params.id, state: 'deployed' }),
      ),
    );
    await expect(
      client.previewPromotion({
        entityRef: 'component:default/checkout',
        targets: ['prod-eu'],
        versions: ['2.4.0'],
      }),
    ).resolves.toMatchObject({
      echo: { targets: ['prod-eu'], versions: ['2.4.0'] },
    });
    await expect(client.getPromotion('p 1')).resolves.toEqual({
      id: 'p 1',
      state: 'deployed',
    });
  });

  it('posts an approval decision to the promotion and answers the promotion after it', async () => {
    let body: unknown;
    server.use(
      http.post(
        `${baseUrl}/promotions/:id/approvals`,
        async ({ request, params }) => {
          body = await request.json();
          return HttpResponse.json({ id: params.id, state: 'pending' });
        },
      ),
    );
    await expect(
      client.decidePromotion('p1', { decision: 'approve', comment: 'LGTM' }),
    ).resolves.toEqual({ id: 'p1', state: 'pending' });
    expect(body).toEqual({ decision: 'approve', comment: 'LGTM' });
  });

  it('rejects a decision the backend refuses with its message', async () => {
    server.use(
      http.post(`${baseUrl}/promotions/:id/approvals`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message: 'user:default/alice decided on promotion p1 already',
            },
            response: { statusCode: 409 },
          },
          { status: 409, statusText: 'Conflict' },
        ),
      ),
    );
    const error = await client
      .decidePromotion('p1', { decision: 'approve' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      'user:default/alice decided on promotion p1 already',
    );
  });

  it('lists, pauses and resumes automatic promotion', async () => {
    const pause = {
      entityRef: 'component:default/checkout',
      environment: 'prod-eu',
      reason: 'incident 42',
      pausedBy: 'user:default/guest',
      pausedAt: '2026-11-22T12:00:00Z',
    };
    const seen: Array<{ method: string; search: string; body?: unknown }> = [];
    server.use(
      http.get(`${baseUrl}/auto-promotion/pauses`, () =>
        HttpResponse.json({ items: [pause] }),
      ),
      http.post(`${baseUrl}/auto-promotion/pauses`, async ({ request }) => {
        seen.push({
          method: 'POST',
          search: new URL(request.url).search,
          body: await request.json(),
        });
        return HttpResponse.json(pause, { status: 201 });
      }),
      http.delete(`${baseUrl}/auto-promotion/pauses`, ({ request }) => {
        seen.push({ method: 'DELETE', search: new URL(request.url).search });
        return HttpResponse.json(pause);
      }),
    );
    await expect(client.listAutoPromotionPauses()).resolves.toEqual({
      items: [pause],
    });
    await expect(
      client.pauseAutoPromotion({
        entityRef: 'component:default/checkout',
        environment: 'prod-eu',
        reason: 'incident 42',
      }),
    ).resolves.toEqual(pause);
    await expect(
      client.resumeAutoPromotion({
        entityRef: 'component:default/checkout',
        environment: 'prod-eu',
      }),
    ).resolves.toEqual(pause);
    expect(seen).toEqual([
      {
        method: 'POST',
        search: '',
        body: {
          entityRef: 'component:default/checkout',
          environment: 'prod-eu',
          reason: 'incident 42',
        },
      },
      {
        method: 'DELETE',
        search: '?entityRef=component%3Adefault%2Fcheckout&environment=prod-eu',
      },
    ]);
  });

  it('rejects resuming where nothing is paused with a 404 ResponseError', async () => {
    server.use(
      http.delete(`${baseUrl}/auto-promotion/pauses`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No pause of prod-eu' },
            response: { statusCode: 404 },
          },
          { status: 404, statusText: 'Not Found' },
        ),
      ),
    );
    const error = await client
      .resumeAutoPromotion({ environment: 'prod-eu' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
  });

  it('turns a Backstage error body into a ResponseError with the server message', async () => {
    server.use(
      http.post(`${baseUrl}/promotions`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message:
                'envs/prod-eu/checkout/values.yaml changed since the preview',
            },
            response: { statusCode: 409 },
          },
          { status: 409, statusText: 'Conflict' },
        ),
      ),
    );
    const error = await client
      .promote(
        {
          entityRef: 'component:default/checkout',
          source: 'staging',
          target: 'prod-eu',
        },
        { idempotencyKey: 'k' },
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.name).toBe('ConflictError');
    expect(error.cause.message).toBe(
      'envs/prod-eu/checkout/values.yaml changed since the preview',
    );
  });

  it('posts through a fetchApi that builds its own Request from the arguments, as Backstage’s auth middleware does', async () => {
    let body: unknown;
    server.use(
      http.post(`${baseUrl}/promotions/preview`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ targets: [] });
      }),
    );
    const middlewareClient = new GitopsPromotionClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
      fetchApi: {
        fetch: async (input, init) => {
          const request = new Request(input, init);
          request.headers.set('authorization', 'Bearer user-token');
          return fetch(request);
        },
      },
    });
    await expect(
      middlewareClient.previewPromotion({
        entityRef: 'component:default/checkout',
        targets: ['prod-eu'],
      }),
    ).resolves.toEqual({ targets: [] });
    expect(body).toEqual({
      entityRef: 'component:default/checkout',
      targets: ['prod-eu'],
    });
  });

  it('passes the original arguments on when a middleware only reads them', async () => {
    server.use(
      http.post(`${baseUrl}/promotions`, () =>
        HttpResponse.json({ id: 'p2', state: 'committed' }, { status: 201 }),
      ),
    );
    const readingClient = new GitopsPromotionClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
      fetchApi: {
        fetch: async (input, init) => {
          // e.g. a middleware that looks at the URL, then calls the next one
          expect(new Request(input, init).url).toBe(`${baseUrl}/promotions`);
          return fetch(input, init);
        },
      },
    });
    await expect(
      readingClient.promote(
        {
          entityRef: 'component:default/checkout',
          source: 'staging',
          target: 'prod-eu',
        },
        { idempotencyKey: 'k2' },
      ),
    ).resolves.toMatchObject({ id: 'p2' });
  });
});
