import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import request from 'supertest';
import {
  asUser,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';
import {
  githubIntegration,
  githubRepository,
} from '../tests/reliability/__testUtils__/github';
import { GithubFake } from '../clients/github/__testUtils__/githubFake';
import { exampleFiles } from '../clients/github/__testUtils__/startGithubFake';

jest.mock('../clients/github/createOctokit', () =>
  jest
    .requireActual('../tests/reliability/__testUtils__/github')
    .fastOctokitModule(),
);

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';
const TOKEN = 'integrity-github-token';
const TARGET_FILE = 'envs/prod-us/checkout/values.yaml';

/**
 * Pinned promotions across two repositories (the source in a git remote, the
 * target on GitHub in pull-request mode): the pull request's branch starts at
 * the branch head, and its content is exactly what the preview showed.
 */
describe('promotion integrity on GitHub (pull requests)', () => {
  let fake: GithubFake;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    fake = await GithubFake.start({ token: TOKEN });
    fake.push('main', exampleFiles(), { message: 'Seed' });
    backend = await startPromotionBackend({
      rootConfig: githubIntegration(fake, TOKEN),
      mutateConfig: section => {
        section.repositories.push(githubRepository(fake, 'github-gitops'));
        const prodUs = section.environments.find(
          (e: { name: string }) => e.name === 'prod-us',
        );
        prodUs.repository = 'github-gitops';
        prodUs.mode = 'pull-request';
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await fake?.close();
  });

  const post = (path: string, body: object) =>
    request(backend.server)
      .post(`${api}${path}`)
      .set('Authorization', asUser('user:default/guest'))
      .send(body);

  async function allowedPreview() {
    for (let attempt = 0; ; attempt++) {
      const res = await post('/promotions/preview', {
        entityRef: 'component:default/checkout',
        source: 'staging',
        targets: ['prod-us'],
      });
      expect(res.status).toBe(200);
      if (res.body.targets[0].allowed || attempt > 60)
        return res.body.targets[0];
      await new Promise(r => setTimeout(r, 250));
    }
  }

  it('opens the pull request from the branch head, with exactly the previewed version', async () => {
    const preview = await allowedPreview();
    expect(preview.allowed).toBe(true);
    expect(preview.baseCommit).toBe(fake.head('main'));
    expect(preview.sourceCommit).toBe(await backend.demo.head());

    // Someone else changes another file on GitHub meanwhile.
    const unrelated = fake.push('main', {
      'envs/prod-us/cart/values.yaml': 'image:\n  tag: "0.0.1"\n',
    });
    const res = await post('/promotions', {
      entityRef: 'component:default/checkout',
      source: 'staging',
      target: 'prod-us',
      versions: preview.versions,
      baseCommit: preview.baseCommit,
      sourceCommit: preview.sourceCommit,
    });
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('pr-open');
    const branch = fake.repository.pulls[0].head;
    const head = fake.repository.head(branch)!;
    expect(fake.repository.objects.commit(head)!.parents).toEqual([unrelated]);
    expect(
      getYamlValue(fake.repository.read(branch, TARGET_FILE)!, 'image.tag'),
    ).toBe(preview.versions[0]);
    expect(fake.head('main')).toBe(unrelated);
    fake.assertNoViolations();
  });

  it('refuses (409) when the source in the other repository moved, opening no pull request', async () => {
    const preview = await allowedPreview();
    await backend.demo.commit('Promote checkout 9.4.0 to staging', [
      {
        file: 'envs/staging/checkout/values.yaml',
        key: 'image.tag',
        value: '9.4.0',
      },
    ]);
    const pulls = fake.repository.pulls.length;
    const res = await post('/promotions', {
      entityRef: 'component:default/checkout',
      source: 'staging',
      target: 'prod-us',
      versions: preview.versions,
      baseCommit: preview.baseCommit,
      sourceCommit: preview.sourceCommit,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      'the source moved since your preview: staging has image.tag 9.4.0 now',
    );
    expect(fake.repository.pulls).toHaveLength(pulls);
    fake.assertNoViolations();
  });
});
