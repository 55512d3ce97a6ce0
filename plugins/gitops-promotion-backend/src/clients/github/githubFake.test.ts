import { GithubFake } from './__testUtils__/githubFake';
import { GithubOpenApi } from './__testUtils__/githubOpenApi';
import { readScenario } from './__testUtils__/octokitFixtures';
import { startGithubFake, TEST_TOKEN } from './__testUtils__/startGithubFake';

/** The nested key structure of a JSON value, to compare shapes. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return typeof value;
}

describe('the GitHub fake', () => {
  const api = GithubOpenApi.load();
  let fake: GithubFake;

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', { 'README.md': '# gitops\n' });
  });

  afterEach(async () => {
    await fake.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${fake.url}${path}`, {
      method,
      headers: {
        authorization: `token ${TEST_TOKEN}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  describe('checks against the OpenAPI description', () => {
    it("accepts @octokit/fixtures' recorded git-refs exchanges", () => {
      const [, create, update] = readScenario('git-refs');
      expect(create.method).toBe('post');
      expect(
        api.checkRequest(api.operation('git/create-ref'), {
          pathParams: { owner: 'octokit-fixture-org', repo: 'git-refs' },
          query: new URLSearchParams(),
          body: create.body,
          conditional: false,
        }),
      ).toEqual([]);
      expect(
        api.checkResponse(
          api.operation('git/create-ref'),
          201,
          create.response,
          {
            conditional: false,
          },
        ),
      ).toEqual([]);
      expect(
        api.checkResponse(
          api.operation('git/update-ref'),
          200,
          update.response,
          {
            conditional: false,
          },
        ),
      ).toEqual([]);
    });

    it('flags responses the description does not allow', () => {
      const getRef = api.operation('git/get-ref');
      const [, create] = readScenario('git-refs');
      const short = JSON.parse(JSON.stringify(create.response));
      short.object.sha = 'abc1234';
      expect(
        api.checkResponse(getRef, 200, short, { conditional: false }),
      ).toEqual([
        expect.stringContaining('must NOT have fewer than 40 characters'),
      ]);
      expect(
        api.checkResponse(
          api.operation('pulls/get'),
          200,
          { number: 1 },
          {
            conditional: false,
          },
        ),
      ).toEqual([
        expect.stringContaining("must have required property '_links'"),
      ]);
      expect(
        api.checkResponse(getRef, 304, undefined, { conditional: false }),
      ).toEqual(['304 without a conditional request']);
      expect(
        api.checkResponse(getRef, 418, undefined, { conditional: false }),
      ).toEqual(['status 418 is not a documented response of git/get-ref']);
    });

    it('records requests the description does not allow', async () => {
      const head = fake.head('main')!;

      await call(
        'GET',
        `/repos/acme/gitops/git/trees/${head}?recursive=1&depth=2`,
      );
      await call('POST', '/repos/acme/gitops/git/trees', {
        tree: [{ path: 'a', mode: '100600', type: 'blob', content: 'a' }],
      });
      await call('POST', '/repos/acme/gitops/git/commits', { tree: head });
      await call('GET', '/repos/acme/gitops/pulls/abc');
      await call('DELETE', '/repos/acme/gitops/git/refs/heads/main');

      expect(fake.violations).toEqual([
        'git/get-tree request: query parameter depth is not defined',
        expect.stringMatching(
          /^git\/create-tree request: request body: value\/tree\/0\/mode must be equal to one of the allowed values/,
        ),
        expect.stringMatching(
          /^git\/create-commit request: request body: value must have required property 'message'/,
        ),
        expect.stringMatching(
          /^pulls\/get request: path parameter pull_number/,
        ),
        'unexpected request DELETE /repos/acme/gitops/git/refs/heads/main',
      ]);
    });
  });

  describe('GraphQL', () => {
    const query = (text: string, variables = {}) =>
      call('POST', '/graphql', { query: text, variables }).then(r => r.json());

    it("flags queries GitHub's schema does not allow", async () => {
      await query('{ viewer { nope } }');
      await query(
        'query($p: String!) { repository(owner: "acme", name: "gitops") { id } }',
      );

      expect(fake.violations).toEqual([
        expect.stringMatching(
          /^graphql: Cannot query field "nope" on type "User"/,
        ),
        'graphql: Variable "$p" is never used.',
      ]);
    });

    it('answers an unknown repository with a typed NOT_FOUND error, as GitHub does', async () => {
      const body = await query(
        'query($name: String!) { repository(owner: "acme", name: $name) { object(expression: "main") { oid } } }',
        { name: 'nope' },
      );

      expect(body).toEqual({
        data: { repository: null },
        errors: [
          expect.objectContaining({
            type: 'NOT_FOUND',
            path: ['repository'],
            message:
              "Could not resolve to a Repository with the name 'acme/nope'.",
          }),
        ],
      });
      expect(fake.violations).toEqual([]);
    });

    it("reads a path's history from the repository the REST API serves", async () => {
      const second = fake.push('main', { 'README.md': '# two\n' });
      const body = await query(
        `query($path: String!) { repository(owner: "acme", name: "gitops") { object(expression: "main") {
          ... on Commit { history(path: $path, first: 1) { pageInfo { hasNextPage } nodes { oid file(path: $path) { object { ... on Blob { text } } } } } }
        } } }`,
        { path: 'README.md' },
      );

      expect(body.data.repository.object.history).toEqual({
        pageInfo: { hasNextPage: true },
        nodes: [{ oid: second, file: { object: { text: '# two\n' } } }],
      });
      expect(fake.tally()).toEqual({ graphql: 1 });
      expect(fake.violations).toEqual([]);
    });
  });

  describe('answers like GitHub', () => {
    it('creates refs in the recorded shape', async () => {
      const [, recorded] = readScenario('git-refs');
      const response = await call('POST', '/repos/acme/gitops/git/refs', {
        ref: 'refs/heads/test',
        sha: fake.head('main'),
      });

      expect(response.status).toBe(recorded.status);
      expect(shape(await response.json())).toEqual(shape(recorded.response));
      expect(fake.violations).toEqual([]);
    });

    it('answers a refused request with the recorded error shape', async () => {
      const [recorded] = readScenario('errors');
      const response = await call('POST', '/repos/acme/gitops/pulls', {
        title: 't',
        head: 'missing',
        base: 'main',
      });

      expect(response.status).toBe(recorded.status);
      const body = await response.json();
      expect(Object.keys(body)).toEqual(
        expect.arrayContaining(Object.keys(recorded.response as object)),
      );
      expect(fake.violations).toEqual([]);
    });

    it('lists file contents with the recorded fields', async () => {
      const [directory] = readScenario('get-content');
      const [entry] = directory.response as object[];
      const response = await call(
        'GET',
        '/repos/acme/gitops/contents/README.md?ref=main',
      );

      const body = await response.json();
      expect(Object.keys(body)).toEqual(
        expect.arrayContaining(Object.keys(entry)),
      );
      expect(Buffer.from(body.content, 'base64').toString()).toBe('# gitops\n');
      expect(fake.violations).toEqual([]);
    });

    it('refuses requests without the token', async () => {
      const response = await fetch(
        `${fake.url}/repos/acme/gitops/git/ref/heads%2Fmain`,
      );

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        message: 'Bad credentials',
      });
      expect(fake.violations).toEqual([]);
    });

    it('refuses a ref update that is not a fast forward unless forced', async () => {
      const first = fake.head('main')!;
      fake.push('main', { 'README.md': '# two\n' });
      const refuse = await call(
        'PATCH',
        '/repos/acme/gitops/git/refs/heads%2Fmain',
        {
          sha: first,
          force: false,
        },
      );
      expect(refuse.status).toBe(422);
      expect((await refuse.json()).message).toBe(
        'Update is not a fast forward',
      );

      const forced = await call(
        'PATCH',
        '/repos/acme/gitops/git/refs/heads%2Fmain',
        {
          sha: first,
          force: true,
        },
      );
      expect(forced.status).toBe(200);
      expect(fake.head('main')).toBe(first);
      expect(fake.violations).toEqual([]);
    });
  });
});
