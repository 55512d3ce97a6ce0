import { mockErrorHandler } from '@backstage/backend-test-utils';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { GithubFake } from './__testUtils__/githubFake';
import {
  exampleFiles,
  providerFor,
  startGithubFake,
  TEST_TOKEN,
} from './__testUtils__/startGithubFake';

describe('GithubProvider failures', () => {
  let fake: GithubFake;

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', exampleFiles());
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  it('sends the integration token on every request', async () => {
    const provider = providerFor(fake);
    const head = await provider.getBranchHead('main');
    const files = await provider.listFiles(head);
    await provider.readBlob(files.get('README.md')!);

    expect(fake.requests).toHaveLength(3);
    for (const r of fake.requests) {
      expect(r.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    }
  });

  it('retries a 5xx on a read and succeeds', async () => {
    fake.fail({ operationId: 'git/get-tree', status: 502, times: 2 });
    const provider = providerFor(fake);

    const files = await provider.listFiles(fake.head('main')!);

    expect(files.get('README.md')).toBeDefined();
    expect(
      fake.requests
        .filter(r => r.operationId === 'git/get-tree')
        .map(r => r.status),
    ).toEqual([502, 502, 200]);
  });

  it('gives up on a persistent 5xx with a ServiceUnavailableError', async () => {
    fake.fail({ operationId: 'git/get-ref', status: 503, times: Infinity });
    const provider = providerFor(fake);

    const error = await provider.getBranchHead('main').catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      "GitHub could not read branch 'main' for acme/gitops (HTTP 503: Server Error); try again later",
    );
    expect(error).not.toHaveProperty('status');
    // the first attempt and two retries
    expect(fake.count('git/get-ref')).toBe(3);
  });

  it('turns GitHub refusing the credentials into a 503 that shows no token', async () => {
    const provider = providerFor(fake, { token: 'wrong-secret-token' });

    const error = await provider.getBranchHead('main').catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      "GitHub refused the plugin's credentials for acme/gitops (HTTP 401) when trying to read branch 'main': Bad credentials",
    );
    expect(fake.requests.map(r => [r.authorization, r.status])).toEqual([
      ['Bearer wrong-secret-token', 401],
    ]);

    // what a caller of the plugin's API would get
    const router = Router();
    router.get('/head', async (_req, res) => {
      res.json(await provider.getBranchHead('main'));
    });
    const app = express().use(router).use(mockErrorHandler());
    const response = await request(app).get('/head');
    expect(response.status).toBe(503);
    expect(response.body.error.name).toBe('ServiceUnavailableError');
    expect(JSON.stringify(response.body)).not.toContain('wrong-secret-token');
    expect(String(error.stack)).not.toContain('wrong-secret-token');
  });

  it('maps a 403 that is not a rate limit to a ServiceUnavailableError without retrying', async () => {
    fake.fail({
      operationId: 'git/create-tree',
      status: 403,
      message: 'Resource not accessible by integration',
    });
    const provider = providerFor(fake);
    const head = fake.head('main')!;
    await provider.listFiles(head);

    const error = await provider
      .tryCommit({
        branch: 'main',
        parentSha: head,
        changes: [{ path: 'a.txt', content: 'a' }],
        message: 'm',
        author: { name: 'A', email: 'a@example.com' },
      })
      .catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `GitHub refused the plugin's credentials for acme/gitops (HTTP 403) when trying to create a tree on ${head}: Resource not accessible by integration`,
    );
    expect(fake.count('git/create-tree')).toBe(1);
    expect(fake.head('main')).toBe(head);
  });

  it('waits out a rate limit and retries', async () => {
    fake.fail({
      operationId: 'git/get-ref',
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
      },
    });
    const provider = providerFor(fake);

    expect(await provider.getBranchHead('main')).toBe(fake.head('main'));
    expect(fake.requests.map(r => [r.operationId, r.status])).toEqual([
      ['git/get-ref', 403],
      ['git/get-ref', 200],
    ]);
  });

  it('reports an exhausted rate limit as a ServiceUnavailableError', async () => {
    fake.fail({
      operationId: 'git/get-blob',
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
      },
      times: Infinity,
    });
    const provider = providerFor(fake);

    const error = await provider.readBlob('0'.repeat(40)).catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /^GitHub's rate limit for acme\/gitops is exhausted \(HTTP 403\)/,
    );
  });

  it('reports a missing branch, commit or blob as NotFoundError', async () => {
    const provider = providerFor(fake);

    await expect(provider.getBranchHead('nope')).rejects.toThrow(
      new NotFoundError("Branch 'nope' does not exist in acme/gitops"),
    );
    await expect(provider.listFiles('f'.repeat(40))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(provider.readBlob('e'.repeat(40))).rejects.toThrow(
      `File content ${'e'.repeat(40)} does not exist in acme/gitops`,
    );
  });

  it('reports an unreachable GitHub as a ServiceUnavailableError', async () => {
    const provider = providerFor(fake);
    await fake.close();

    const error = await provider.getBranchHead('main').catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /^Could not reach GitHub for acme\/gitops when trying to read branch 'main'/,
    );
    fake = await startGithubFake();
  });
});
