import request from 'supertest';
import { createDemoRepository } from '../__testUtils__/demoRepository';
import {
  GitHttpServer,
  startGitHttpBackend,
} from '../__testUtils__/gitHttpBackend';
import {
  asUser,
  previewUntil,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';
import { runGit } from '../clients/git/runGit';

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';
const LEAD = 'user:default/guest';
const tagFile = (env: string, service: string) =>
  `envs/${env}/${service}/values.yaml`;

type Backend = Awaited<ReturnType<typeof startPromotionBackend>>;

/**
 * Branch heads are cached briefly and shared by concurrent requests, through
 * the REST API on a git remote served over smart HTTP (so its requests are
 * counted). Reads may lag commits made elsewhere by the TTL; a write, and
 * the preview after it, never do.
 */
describe('branch head cache (REST API, git over HTTP)', () => {
  const running: Array<{ backend: Backend; http: GitHttpServer }> = [];
  afterAll(() =>
    Promise.all(
      running.map(async ({ backend, http }) => {
        await backend.stop();
        await http.close();
      }),
    ),
  );

  /** A backend over a fresh demo repository served over HTTP, its heads cached `seconds`. */
  async function start(seconds: number) {
    const demo = await createDemoRepository();
    const http = await startGitHttpBackend(demo.dir);
    const backend = await startPromotionBackend({
      demo,
      mutateConfig: section => {
        section.repositories[0].url = `${http.url}/gitops-repo.git`;
        section.repositories[0].branchHeadCacheSeconds = seconds;
        section.argocd.instances[0].cacheTtlSeconds = 0;
      },
    });
    running.push({ backend, http });
    const post = (path: string, body: object) =>
      request(backend.server)
        .post(`${api}${path}`)
        .set('Authorization', asUser(LEAD))
        .send(body);
    return {
      demo,
      preview: async (body: object) => {
        const res = await post('/promotions/preview', body);
        expect(res.status).toBe(200);
        return res.body.targets[0];
      },
      /** Previews until every rule passes (Argo CD has synced the source). */
      allowedPreview: async (body: object) =>
        (
          await previewUntil(
            () => post('/promotions/preview', body),
            (b: any) => b.targets[0].allowed,
          )
        ).targets[0],
      promote: (body: object) => post('/promotions', body),
      /** Requests the git remote served while `work` ran. */
      remoteRequests: async (work: () => Promise<unknown>) => {
        const before = http.requests;
        await work();
        return http.requests - before;
      },
    };
  }

  const cartToStaging = {
    entityRef: 'component:default/cart',
    source: 'dev',
    targets: ['staging'],
  };
  const confirm = (preview: any) => ({
    entityRef: 'component:default/cart',
    source: 'dev',
    target: 'staging',
    versions: preview.versions,
    baseCommit: preview.baseCommit,
    sourceCommit: preview.sourceCommit,
  });

  it('serves previews within the TTL without asking the remote; without the cache each preview asks it', async () => {
    const [cached, uncached] = await Promise.all([start(60), start(0)]);
    const fivePreviews = (backend: typeof cached) => async () => {
      for (let i = 0; i < 5; i++) await backend.preview(cartToStaging);
    };
    for (const backend of [cached, uncached])
      await backend.preview(cartToStaging);

    expect(await cached.remoteRequests(fivePreviews(cached))).toBe(0);
    expect(
      await uncached.remoteRequests(fivePreviews(uncached)),
    ).toBeGreaterThanOrEqual(5);
  });

  it('writes on the head read fresh, over a commit made elsewhere, and the next preview shows the write at once', async () => {
    const backend = await start(60);
    const shown = await backend.allowedPreview(cartToStaging);
    expect(shown.baseCommit).toBe(await backend.demo.head());

    const elsewhere = await backend.demo.commit('Unrelated: payments dev', [
      { file: tagFile('dev', 'payments'), key: 'image.tag', value: '7.7.7' },
    ]);
    // Within the TTL a read may show the head from before that commit ...
    expect((await backend.preview(cartToStaging)).baseCommit).toBe(
      shown.baseCommit,
    );
    // ... but the confirm reads the remote, and rebases over it.
    const res = await backend.promote(confirm(shown));
    expect(res.body.error?.message).toBeUndefined();
    expect(res.status).toBe(201);
    const parent = await runGit(['rev-parse', `${res.body.commitSha}^`], {
      cwd: backend.demo.bare,
    });
    expect(parent.trim()).toBe(elsewhere);
    expect((await backend.preview(cartToStaging)).baseCommit).toBe(
      res.body.commitSha,
    );
  });

  it('after a 409 "the source moved", the refreshed preview shows what moved', async () => {
    const backend = await start(60);
    const shown = await backend.allowedPreview(cartToStaging);
    await backend.demo.commit('Release cart 9.2.0 to dev', [
      { file: tagFile('dev', 'cart'), key: 'image.tag', value: '9.2.0' },
    ]);
    const head = await backend.demo.head();
    const refused = await backend.promote(confirm(shown));
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(
      'the source moved since your preview: dev has image.tag 9.2.0',
    );
    expect(await backend.demo.head()).toBe(head);

    const refreshed = await backend.preview(cartToStaging);
    expect(refreshed.versions).toEqual(['9.2.0']);
    expect(refreshed.baseCommit).toBe(head);
  });
});
