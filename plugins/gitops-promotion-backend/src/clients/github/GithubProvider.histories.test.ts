import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitCliProvider } from '../git/GitCliProvider';
import { GitopsRepository } from '../repository/GitopsRepository';
import { FileHistoryEntry } from '../repository/types';
import { exportBranchToGit } from './__testUtils__/exportBranchToGit';
import { GithubFake, GRAPHQL } from './__testUtils__/githubFake';
import { providerFor, startGithubFake } from './__testUtils__/startGithubFake';
import { MAX_PATHS_PER_QUERY } from './GithubFileHistory';

const values = (tag: string) => `image:\n  tag: "${tag}"\n`;
const alice = { name: 'Alice Example', email: 'alice@acme.test' };
const bob = { name: 'Bob Example', email: 'bob@acme.test' };

const DEV = 'envs/dev/a/values.yaml';
const PROD = 'envs/prod/a/values.yaml';
const ODD = "envs/qa/it's a näme with spaces/values.yaml";
/** git quotes this name in its output: the git CLI provider finds no history for it. */
const QUOTED = 'envs/qa/"double" \\quoted/values.yaml';
const NEVER = 'envs/never/values.yaml';
const PATHS = [DEV, PROD, ODD, NEVER, 'README.md'];

/** A file changed often, one deleted and re-added, one added late with a name that needs care. */
function pushHistory(fake: GithubFake) {
  fake.push(
    'main',
    { [DEV]: values('1.0.0'), [PROD]: values('0.9.0'), 'README.md': '# a\n' },
    { message: 'Import' },
  );
  fake.push('main', { [DEV]: values('1.1.0') }, { author: alice });
  fake.push('main', { [PROD]: null }, { message: 'Retire a in prod' });
  fake.push('main', { 'README.md': '# a\n\nmore\n' });
  fake.push(
    'main',
    { [PROD]: values('1.1.0') },
    { message: 'Bring a back to prod', author: bob },
  );
  fake.push(
    'main',
    { [ODD]: values('2.0.0'), [QUOTED]: values('2.0.0') },
    { message: 'Add the odd ones' },
  );
  fake.push(
    'main',
    { [DEV]: values('1.2.0'), [ODD]: values('2.1.0') },
    { message: 'Release 1.2.0\n\nWith a body', author: alice },
  );
}

/** An entry without the texts GitHub sends along, as the git CLI provider reads it. */
const withoutTexts = ({
  blobText,
  previousBlobText,
  ...entry
}: FileHistoryEntry) => entry;

describe('GithubProvider histories (GraphQL)', () => {
  let fake: GithubFake;
  let dir: string;

  beforeEach(async () => {
    fake = await startGithubFake();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-histories-'));
  });

  afterEach(async () => {
    await fake.close();
    await fs.rm(dir, { recursive: true, force: true });
    fake.assertNoViolations();
  });

  /**
   * The git CLI provider on a bare repository holding the fake's branch,
   * object for object, and the branch's head there (fetched).
   */
  const gitProviderForFake = async () => {
    const bare = await exportBranchToGit(fake.repository, 'main', dir);
    const git = new GitCliProvider({
      url: bare,
      cacheDir: path.join(dir, 'cache'),
      committer: { name: 'bot', email: 'bot@acme.test' },
    });
    const head = await git.getBranchHead('main');
    expect(head).toBe(fake.head('main'));
    return { git, head };
  };

  it.each([1, 2, 3, 30])(
    'reads the histories the git CLI reads from the same repository (limit %i), with every blob text, in one query',
    async limit => {
      pushHistory(fake);
      const { git, head } = await gitProviderForFake();
      fake.resetLog();

      const histories = await providerFor(fake).fileHistories(
        head,
        PATHS,
        limit,
      );

      const expected = await git.fileHistories(head, PATHS, limit);
      for (const file of PATHS) {
        expect({
          file,
          history: histories.get(file)!.map(withoutTexts),
        }).toEqual({ file, history: expected.get(file) });
      }
      for (const entry of [...histories.values()].flat()) {
        for (const [sha, text] of [
          [entry.blobSha, entry.blobText],
          [entry.previousBlobSha, entry.previousBlobText],
        ]) {
          expect(text).toBe(sha && (await git.readBlob(sha)));
        }
      }
      expect(fake.tally()).toEqual({ [GRAPHQL]: 1 });
    },
  );

  it('tells the deleted and re-added file apart from one that never existed, whatever the names', async () => {
    pushHistory(fake);

    const histories = await providerFor(fake).fileHistories(
      'main',
      [PROD, NEVER, QUOTED],
      30,
    );

    expect(
      histories
        .get(PROD)!
        .map(e => [e.message, !!e.blobSha, !!e.previousBlobSha]),
    ).toEqual([
      ['Bring a back to prod', true, false],
      ['Retire a in prod', false, true],
      ['Import', true, false],
    ]);
    expect(histories.get(NEVER)).toEqual([]);
    expect(histories.get(QUOTED)).toEqual([
      expect.objectContaining({
        message: 'Add the odd ones',
        blobText: values('2.0.0'),
      }),
    ]);
  });

  it('continues a history longer than a page (100 commits) with its cursor', async () => {
    for (let i = 0; i < 150; i++) {
      fake.push('main', { [DEV]: values(`1.0.${i}`) });
    }
    const { git, head } = await gitProviderForFake();
    fake.resetLog();

    const history = await providerFor(fake).fileHistory(head, DEV, 120);

    expect(history.map(withoutTexts)).toEqual(
      await git.fileHistory(head, DEV, 120),
    );
    expect(history[119].previousBlobText).toBe(values('1.0.29'));
    expect(fake.tally()).toEqual({ [GRAPHQL]: 2 });
  });

  it('reads 120 histories in ceil(120 / 64) queries and their blobs with no request more', async () => {
    const files = Array.from(
      { length: 120 },
      (_, i) => `envs/prod/svc-${i}/values.yaml`,
    );
    fake.push('main', Object.fromEntries(files.map(f => [f, values('1')])));
    fake.push('main', Object.fromEntries(files.map(f => [f, values('2')])));
    const repository = new GitopsRepository('hub', providerFor(fake));
    fake.resetLog();

    const histories = await repository.fileHistories(
      fake.head('main')!,
      files,
      30,
    );
    const texts = await Promise.all(
      [...histories.values()]
        .flat()
        .flatMap(e => [e.blobSha, e.previousBlobSha])
        .filter((sha): sha is string => sha !== undefined)
        .map(sha => repository.readBlob(sha)),
    );

    expect(histories.get(files[7])!.map(e => e.blobText)).toEqual([
      values('2'),
      values('1'),
    ]);
    expect(new Set(texts)).toEqual(new Set([values('1'), values('2')]));
    expect(fake.tally()).toEqual({
      [GRAPHQL]: Math.ceil(120 / MAX_PATHS_PER_QUERY),
    });
  });

  it('leaves out the text of a binary or truncated blob, which is then read by SHA', async () => {
    await fake.close();
    fake = await startGithubFake({ maxBlobText: 64 });
    const long = `# ${'x'.repeat(80)}\n`;
    fake.push('main', { 'big.yaml': long, 'bin.dat': 'a\0b' });
    const repository = new GitopsRepository('hub', providerFor(fake));

    const histories = await repository.fileHistories(
      'main',
      ['big.yaml', 'bin.dat'],
      30,
    );
    const [big] = histories.get('big.yaml')!;
    const [bin] = histories.get('bin.dat')!;
    fake.resetLog();

    expect([big.blobText, bin.blobText]).toEqual([undefined, undefined]);
    expect(await repository.readBlob(big.blobSha!)).toBe(long);
    expect(await repository.readBlob(bin.blobSha!)).toBe('a\0b');
    expect(fake.tally()).toEqual({ 'git/get-blob': 2 });
  });

  describe('failures', () => {
    beforeEach(() => pushHistory(fake));

    const rateLimit = {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    };

    it.each([
      [
        'an exhausted rate limit (HTTP 403)',
        {
          status: 403,
          message: 'API rate limit exceeded for installation ID 1.',
          headers: rateLimit,
        },
        "GitHub's rate limit for acme/gitops is exhausted (HTTP 403) when trying to read the history of 'envs/dev/a/values.yaml' and 1 other files; try again later",
      ],
      [
        'an exhausted rate limit (GraphQL RATE_LIMITED)',
        {
          status: 200,
          graphqlType: 'RATE_LIMITED',
          message: 'API rate limit exceeded for user ID 1.',
          headers: rateLimit,
        },
        "GitHub's rate limit for acme/gitops is exhausted (GraphQL RATE_LIMITED) when trying to read the history of 'envs/dev/a/values.yaml' and 1 other files; try again later",
      ],
      [
        'a refused installation (GraphQL FORBIDDEN)',
        {
          status: 200,
          graphqlType: 'FORBIDDEN',
          message: 'Resource not accessible by integration',
        },
        "GitHub refused the plugin's credentials for acme/gitops (GraphQL FORBIDDEN) when trying to read the history of 'envs/dev/a/values.yaml' and 1 other files: Resource not accessible by integration",
      ],
      [
        'a persistent 502',
        { status: 502 },
        "GitHub could not read the history of 'envs/dev/a/values.yaml' and 1 other files for acme/gitops (HTTP 502: Server Error); try again later",
      ],
    ])('reports %s as a ServiceUnavailableError', async (_, fault, message) => {
      fake.fail({ operationId: GRAPHQL, times: Infinity, ...fault });

      const error = await providerFor(fake)
        .fileHistories('main', [DEV, PROD], 30)
        .catch(e => e);

      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(message);
      expect(error).not.toHaveProperty('status');
    });

    it('reports bad credentials as a ServiceUnavailableError that shows no token', async () => {
      const error = await providerFor(fake, { token: 'wrong-secret-token' })
        .fileHistory('main', DEV, 30)
        .catch(e => e);

      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        "GitHub refused the plugin's credentials for acme/gitops (HTTP 401) when trying to read the history of 'envs/dev/a/values.yaml': Bad credentials",
      );
      expect(String(error.stack)).not.toContain('wrong-secret-token');
      expect(fake.requests.map(r => [r.operationId, r.status])).toEqual([
        [GRAPHQL, 401],
      ]);
    });

    it('waits out a GraphQL rate limit and retries', async () => {
      fake.fail({
        operationId: GRAPHQL,
        status: 200,
        graphqlType: 'RATE_LIMITED',
        message: 'API rate limit exceeded for user ID 1.',
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
        },
      });

      const history = await providerFor(fake).fileHistory('main', DEV, 30);

      expect(history).toHaveLength(3);
      expect(fake.count(GRAPHQL)).toBe(2);
    });

    it('reports a missing ref or repository as NotFoundError', async () => {
      await expect(
        providerFor(fake).fileHistory('nope', DEV, 30),
      ).rejects.toThrow(
        new NotFoundError("'nope' does not exist in acme/gitops"),
      );
      await expect(
        providerFor(fake, { repo: 'missing' }).fileHistory('main', DEV, 30),
      ).rejects.toThrow(
        new NotFoundError("'main' does not exist in acme/missing"),
      );
    });
  });
});
