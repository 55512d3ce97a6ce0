import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import request from 'supertest';
import {
  asUser,
  previewUntil,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';
const devFile = 'envs/dev/cart/values.yaml';

/**
 * The upstream gate on a source that just moved: Argo CD still reports it
 * Synced, but to the commit before the new version. Through the REST API of
 * the real backend, on a real git repository and Argo CD's stand-in.
 */
describe('the upstream gate right after a new version reached the source', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      // The stand-in reconciles only when told to: it still reports dev as
      // it was before the commit, Synced and Healthy.
      argocd: { pollIntervalMs: 3_600_000, syncDelayMs: 0 },
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
      },
    });
    await backend.standIn.reconcile();
  });
  afterAll(() => backend?.stop());

  const post = (path: string, body: object) =>
    request(backend.server)
      .post(`${api}${path}`)
      .set('Authorization', asUser())
      .send(body);
  const body = {
    entityRef: 'component:default/cart',
    source: 'dev',
    targets: ['staging'],
  };

  it('refuses a version Argo CD has not synced the source to yet, then allows it once it has', async () => {
    const before = getYamlValue(await backend.demo.show(devFile), 'image.tag')!;
    await backend.demo.commit('Release cart 9.2.0 to dev', [
      { file: devFile, key: 'image.tag', value: '9.2.0' },
    ]);

    const refused = await post('/promotions/preview', body);
    expect(refused.status).toBe(200);
    const [target] = refused.body.targets;
    expect(target.versions).toEqual(['9.2.0']);
    expect(target.allowed).toBe(false);
    const gate = target.verdicts.find((v: any) => v.rule === 'upstream-gate');
    expect(gate.passed).toBe(false);
    expect(gate.message).toMatch(
      new RegExp(
        `Argo CD has synced dev to [0-9a-f]{7}, where image.tag is ${before.replace(
          /\./g,
          '\\.',
        )}, not 9\\.2\\.0`,
      ),
    );
    const head = await backend.demo.head();
    const confirm = await post('/promotions', {
      entityRef: 'component:default/cart',
      source: 'dev',
      target: 'staging',
      versions: target.versions,
      baseCommit: target.baseCommit,
      sourceCommit: target.sourceCommit,
    });
    expect(confirm.status).toBe(409);
    expect(confirm.body.error.message).toMatch(/Argo CD has synced dev to/);
    expect(await backend.demo.head()).toBe(head);

    // Argo CD takes the commit in: the same promotion is allowed.
    await backend.standIn.reconcile();
    const allowed = await previewUntil(
      async () => {
        await backend.standIn.reconcile();
        return post('/promotions/preview', body);
      },
      (b: any) => b.targets[0].allowed,
    );
    expect(allowed.targets[0].allowed).toBe(true);
  });
});
