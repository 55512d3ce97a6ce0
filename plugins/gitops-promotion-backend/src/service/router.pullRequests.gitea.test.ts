import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { runGit } from '../clients/git/runGit';
import { GiteaFake } from '../clients/gitea/__testUtils__/giteaFake';
import {
  createDemoRepository,
  DemoRepository,
} from '../__testUtils__/demoRepository';
import { startGiteaPullRequestHost } from '../__testUtils__/giteaPullRequestHost';
import {
  asUser,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';

/**
 * Pull-request mode on a host other than GitHub, end to end through the REST
 * API: the git provider pushes the promotion's branch to a real git remote
 * (git http-backend, credentials from integrations.gitea), the Gitea adapter
 * opens the pull request on a fake of Gitea's REST API, the test merges the
 * branch in git as Gitea would, and the tracker takes the promotion from
 * pr-open to committed at the merge commit and, once the Argo CD stand-in
 * (reconciling the same repository) runs it, to deployed.
 */
describe('promotions as Gitea pull requests', () => {
  let demo: DemoRepository;
  let host: Awaited<ReturnType<typeof startGiteaPullRequestHost>>;
  let gitea: GiteaFake;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;

  beforeAll(async () => {
    demo = await createDemoRepository();
    host = await startGiteaPullRequestHost(demo, {
      username: 'ci-bot',
      password: 'gitea-token-s3cr3t',
    });
    gitea = host.gitea;
    backend = await startPromotionBackend({
      demo,
      rootConfig: { integrations: host.integrations },
      mutateConfig: section => {
        section.repositories[0].url = host.repositoryUrl;
        const prodUs = section.environments.find(
          (e: { name: string }) => e.name === 'prod-us',
        );
        prodUs.mode = 'pull-request';
        prodUs.gate = { requireSynced: false, requireHealthy: false };
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await host?.close();
  });

  const promotion = async (id: string) =>
    (
      await request(backend.server)
        .get(`${api}/promotions/${id}`)
        .set('Authorization', asUser())
    ).body;

  /** Merges the pull request's branch into main with a merge commit, as Gitea's merge button does. */
  async function mergeInGit(branch: string) {
    const work = path.join(demo.dir, 'merge-work');
    await fs.rm(work, { recursive: true, force: true });
    const env = {
      GIT_AUTHOR_NAME: 'Gitea',
      GIT_AUTHOR_EMAIL: 'gitea@example.com',
      GIT_COMMITTER_NAME: 'Gitea',
      GIT_COMMITTER_EMAIL: 'gitea@example.com',
    };
    await runGit(['clone', '--quiet', demo.bare, work], { cwd: demo.dir });
    await runGit(
      ['merge', '--no-ff', '-m', `Merge ${branch}`, `origin/${branch}`],
      {
        cwd: work,
        env,
      },
    );
    await runGit(['push', '--quiet', 'origin', 'main'], { cwd: work });
    return (await runGit(['rev-parse', 'main'], { cwd: work })).trim();
  }

  it('open -> merged -> committed at the merge commit -> deployed', async () => {
    const res = await request(backend.server)
      .post(`${api}/promotions`)
      .set('Authorization', asUser())
      .send({
        entityRef: 'component:default/checkout',
        source: 'staging',
        target: 'prod-us',
      });
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('pr-open');
    const { number, url } = res.body.pullRequest;
    const pr = gitea.pulls.find(p => p.number === number)!;
    expect(pr).toMatchObject({ state: 'open', base: 'main' });
    expect(url).toBe(`${gitea.repositoryUrl}/pulls/${number}`);
    // the branch carries exactly the previewed change, main does not yet
    const tagOn = async (ref: string) =>
      (
        await runGit(['show', `${ref}:envs/prod-us/checkout/values.yaml`], {
          cwd: demo.bare,
        })
      ).match(/tag: "?([^"\n]+)/)![1];
    expect(await tagOn(pr.head)).toBe(res.body.versions[0].to);
    expect(await tagOn('main')).toBe(res.body.versions[0].from);

    await backend.runTracker();
    expect((await promotion(res.body.id)).state).toBe('pr-open');

    const merge = await mergeInGit(pr.head);
    gitea.mergePullRequest(number);
    pr.mergeCommitSha = merge;
    await backend.runTracker();
    expect(await promotion(res.body.id)).toMatchObject({
      state: 'committed',
      commitSha: merge,
    });

    await backend.standIn.reconcile();
    for (let i = 0; i < 40; i++) {
      await backend.runTracker();
      if ((await promotion(res.body.id)).state === 'deployed') break;
      await new Promise(r => setTimeout(r, 250));
      await backend.standIn.reconcile();
    }
    expect((await promotion(res.body.id)).state).toBe('deployed');
    gitea.assertNoViolations();
  });

  it('closed without merging: rejected, saying so', async () => {
    const res = await request(backend.server)
      .post(`${api}/promotions`)
      .set('Authorization', asUser())
      .send({
        entityRef: 'component:default/payments',
        source: 'staging',
        target: 'prod-us',
      });
    expect(res.status).toBe(201);
    const { number } = res.body.pullRequest;
    gitea.closePullRequest(number);
    await backend.runTracker();
    expect(await promotion(res.body.id)).toMatchObject({
      state: 'rejected',
      stateReason: `Pull request #${number} was closed without merging`,
    });
    gitea.assertNoViolations();
  });
});
