import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { gunzipSync } from 'node:zlib';
import { createOctokit } from './createOctokit';
import { GithubProvider } from './GithubProvider';
import { readTar } from './tarArchive';
import { CODELOAD_DOWNLOAD, GithubFake } from './__testUtils__/githubFake';
import {
  exampleFiles,
  FAST_POLICY,
  providerFor,
  startGithubFake,
  TEST_TOKEN,
} from './__testUtils__/startGithubFake';

const LONG_PATH = `envs/${'production-europe-west/'.repeat(
  4,
)}${'very-long-service-name-'.repeat(5)}values.yaml`;

describe('GithubProvider.readAllBlobs (tarball)', () => {
  let fake: GithubFake;
  const files = {
    ...exampleFiles(),
    [LONG_PATH]: 'image:\n  tag: "long"\n',
    'bin/deploy.sh': '#!/bin/sh\necho deploy\n',
    'current.yaml': 'envs/dev/values.yaml',
  };

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', files, {
      modes: { 'bin/deploy.sh': '100755', 'current.yaml': '120000' },
    });
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  const treeOf = (commit: string) =>
    fake.objects.files(fake.objects.commit(commit)!.tree);

  it('maps every file of the commit by blob SHA with one API request and its redirect', async () => {
    const provider = providerFor(fake);
    const commit = fake.head('main')!;

    const blobs = await provider.readAllBlobs(commit);

    const expected = new Map<string, string>();
    for (const [path, file] of treeOf(commit)) {
      if (file.mode !== '120000') expected.set(file.sha, files[path]);
    }
    expect(new Map([...blobs].sort())).toEqual(new Map([...expected].sort()));
    // the symlink's blob is not in the archive as a file
    const link = treeOf(commit).get('current.yaml')!.sha;
    expect(blobs.has(link)).toBe(false);
    expect(Buffer.byteLength(LONG_PATH)).toBeGreaterThan(100);
    expect(blobs.get(treeOf(commit).get(LONG_PATH)!.sha)).toBe(
      files[LONG_PATH],
    );

    // GitHub answers 302 to codeload; fetch follows it to the fake's stand-in
    expect(fake.requests.map(r => [r.operationId, r.status])).toEqual([
      ['repos/download-tarball-archive', 302],
      [CODELOAD_DOWNLOAD, 200],
    ]);
    expect(fake.requests[0].url).toBe(`/repos/acme/gitops/tarball/${commit}`);
    expect(fake.requests[0].authorization).toBe(`Bearer ${TEST_TOKEN}`);
    expect(fake.requests[1].url).toMatch(
      new RegExp(
        `^/_codeload/acme/gitops/legacy\\.tar\\.gz/${commit}\\?token=[0-9a-f]+$`,
      ),
    );
    // only the API request counts against the rate limit
    expect(fake.rateLimitUsed).toBe(1);
  });

  it("serves GitHub's archive layout: a pax global header with the commit and a top-level directory", async () => {
    const commit = fake.head('main')!;
    const redirect = await fetch(`${fake.url}/repos/acme/gitops/tarball/main`, {
      headers: { authorization: `token ${TEST_TOKEN}` },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    const download = await fetch(location);
    expect(download.headers.get('content-type')).toBe('application/x-gzip');

    const { entries, globals } = await readTar(
      gunzipSync(Buffer.from(await download.arrayBuffer())),
    );

    expect(globals).toEqual({ comment: commit });
    const top = `acme-gitops-${commit.slice(0, 7)}/`;
    expect(entries[0]).toMatchObject({ path: top, type: 'directory' });
    expect(entries.every(e => e.path.startsWith(top))).toBe(true);
    expect(entries.find(e => e.path === `${top}bin/deploy.sh`)?.mode).toBe(
      0o775,
    );
    expect(entries.find(e => e.path === `${top}current.yaml`)).toMatchObject({
      type: 'symlink',
      linkTarget: 'envs/dev/values.yaml',
    });
    // a link without the token the redirect handed out is not served
    expect((await fetch(location.replace(/token=.*/, 'token=x'))).status).toBe(
      404,
    );
  });

  it('reports an unknown commit as NotFoundError', async () => {
    const error = await providerFor(fake)
      .readAllBlobs('0'.repeat(40))
      .catch(e => e);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(
      `Commit ${'0'.repeat(40)} does not exist in acme/gitops`,
    );
  });

  it('retries a 5xx of the download and gives up with a ServiceUnavailableError', async () => {
    fake.fail({
      operationId: 'repos/download-tarball-archive',
      status: 502,
      times: Infinity,
    });
    const commit = fake.head('main')!;

    const error = await providerFor(fake)
      .readAllBlobs(commit)
      .catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `GitHub could not download the tarball of commit ${commit} for acme/gitops (HTTP 502: Server Error); try again later`,
    );
    expect(fake.count('repos/download-tarball-archive')).toBe(3);
  });

  it('retries a failure of the codeload side like any 5xx', async () => {
    fake.fail({ operationId: CODELOAD_DOWNLOAD, status: 503, times: 1 });
    const provider = providerFor(fake);

    const blobs = await provider.readAllBlobs(fake.head('main')!);

    expect(blobs.size).toBeGreaterThan(0);
    expect(fake.requests.map(r => [r.operationId, r.status])).toEqual([
      ['repos/download-tarball-archive', 302],
      [CODELOAD_DOWNLOAD, 503],
      ['repos/download-tarball-archive', 302],
      [CODELOAD_DOWNLOAD, 200],
    ]);
  });

  it('refuses a body that is not a gzipped tar archive', async () => {
    fake.fail({
      operationId: CODELOAD_DOWNLOAD,
      status: 200,
      message: '<html>maintenance</html>',
    });
    const commit = fake.head('main')!;

    const error = await providerFor(fake)
      .readAllBlobs(commit)
      .catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      new RegExp(
        `^The tarball of commit ${commit} from acme/gitops is not a valid gzipped tar archive: `,
      ),
    );
  });

  it('abandons an archive larger than maxArchiveBytes', async () => {
    const octokit = createOctokit({
      baseUrl: fake.url,
      repositoryUrl: fake.repositoryUrl,
      credentialsProvider: {
        getCredentials: async () => ({
          type: 'token',
          token: TEST_TOKEN,
          headers: { Authorization: `Bearer ${TEST_TOKEN}` },
        }),
      },
      logger: mockServices.logger.mock(),
      policy: FAST_POLICY,
    });
    const provider = new GithubProvider({
      octokit,
      owner: 'acme',
      repo: 'gitops',
      maxArchiveBytes: 4096,
    });
    const commit = fake.head('main')!;

    const error = await provider.readAllBlobs(commit).catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `The tarball of commit ${commit} from acme/gitops is larger than 4096 bytes uncompressed`,
    );
  });
});
