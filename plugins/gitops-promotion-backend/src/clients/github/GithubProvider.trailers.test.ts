import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { GithubFake } from './__testUtils__/githubFake';
import {
  exampleFiles,
  providerFor,
  startGithubFake,
} from './__testUtils__/startGithubFake';

const TRAILER = 'Promotion-Id: 2f1d1c5e-3b0a-4c55-9d1e-6a7b8c9d0e1f';

describe('GithubProvider.findCommitWithTrailer', () => {
  let fake: GithubFake;

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', exampleFiles());
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  it('finds the newest commit with the trailer as a line, with its committer date', async () => {
    fake.push(
      'main',
      { 'README.md': 'a\n' },
      { message: `Promote a\n\n${TRAILER}-b\n` },
    );
    const sha = fake.push(
      'main',
      { 'README.md': 'b\n' },
      { message: `Promote a, b\n\nPromotion-Id: x\n${TRAILER}\n` },
    );
    fake.push('main', { 'README.md': 'c\n' });

    await expect(
      providerFor(fake).findCommitWithTrailer(
        'main',
        TRAILER,
        new Date('2024-01-01T00:00:00Z'),
      ),
    ).resolves.toEqual({ commitSha: sha, date: '2024-01-01T00:03:00Z' });
  });

  it('does not look at commits made before `since`', async () => {
    fake.push(
      'main',
      { 'README.md': 'old\n' },
      {
        message: `Old\n\n${TRAILER}\n`,
        author: { date: '2023-06-01T00:00:00Z' },
      },
    );

    await expect(
      providerFor(fake).findCommitWithTrailer(
        'main',
        TRAILER,
        new Date('2023-12-31T00:00:00Z'),
      ),
    ).resolves.toBeUndefined();
  });

  it('reports a missing branch as NotFoundError and a failing GitHub as ServiceUnavailableError', async () => {
    const provider = providerFor(fake);
    const since = new Date('2024-01-01T00:00:00Z');

    await expect(
      provider.findCommitWithTrailer('nope', TRAILER, since),
    ).rejects.toThrow(NotFoundError);
    fake.fail({
      operationId: 'repos/list-commits',
      status: 503,
      times: Infinity,
    });
    await expect(
      provider.findCommitWithTrailer('main', TRAILER, since),
    ).rejects.toThrow(ServiceUnavailableError);
  });
});
