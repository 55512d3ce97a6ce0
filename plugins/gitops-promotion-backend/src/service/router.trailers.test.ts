import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { runGit } from '../clients/git/runGit';
import {
  asUser,
  exampleEntities,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';

/** A catalog user whose profile tries to write lines of its own into the commit. */
const user = (name: string, displayName: string, email: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name },
  spec: { profile: { displayName, email }, memberOf: ['team-checkout'] },
});

/**
 * The trailers of a promotion commit are exactly who asked, the promotion and
 * the co-author, whatever the requester's catalog profile says: through the
 * REST API, on a real git repository, read back with git.
 */
describe('commit trailers from hostile catalog profiles', () => {
  const cases = [
    {
      service: 'cart',
      user: user(
        'newline',
        'Mallory\nPromotion-Id: evil',
        'mallory@acme.test\nPromotion-Id: evil',
      ),
      name: 'Mallory Promotion-Id: evil',
      email: 'newline@users.backstage.invalid',
    },
    {
      service: 'search',
      user: user(
        'carriage-return',
        'Mallory\r\n\r\nCo-authored-by: Eve <eve@evil.test>',
        'mallory@acme.test',
      ),
      name: 'Mallory Co-authored-by: Eve eve@evil.test',
      email: 'mallory@acme.test',
    },
    {
      service: 'notifications',
      user: user(
        'line-separator',
        'Mallory\u2028Promotion-Id: evil\u2029',
        'mallory@acme.test',
      ),
      name: 'Mallory Promotion-Id: evil',
      email: 'mallory@acme.test',
    },
    {
      service: 'storefront',
      user: user('nul', 'Mal\u0000lory', 'mal\u0000lory@acme.test'),
      name: 'Mal lory',
      email: 'nul@users.backstage.invalid',
    },
    {
      service: 'ledger',
      user: user('brackets', '<x@y>', '<x@y>'),
      name: 'x@y',
      email: 'brackets@users.backstage.invalid',
    },
  ];

  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      entities: [...exampleEntities(), ...cases.map(c => c.user)],
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
      },
    });
  });
  afterAll(() => backend?.stop());

  const post = (path: string, body: object, userRef: string) =>
    request(backend.server)
      .post(`${api}${path}`)
      .set('Authorization', asUser(userRef))
      .send(body);
  const git = (...args: string[]) => runGit(args, { cwd: backend.demo.bare });

  it.each(cases)(
    'the commit of $user.metadata.name has exactly the intended trailers',
    async ({ service, user: entity, name, email }) => {
      const userRef = `user:default/${entity.metadata.name}`;
      const body = { entityRef: `component:default/${service}`, source: 'dev' };
      let preview;
      for (let attempt = 0; attempt < 60; attempt++) {
        const res = await post(
          '/promotions/preview',
          { ...body, targets: ['staging'] },
          userRef,
        );
        expect(res.status).toBe(200);
        preview = res.body.targets[0];
        if (preview.allowed) break;
        await new Promise(r => setTimeout(r, 250));
      }
      expect(preview.allowed).toBe(true);

      const res = await post(
        '/promotions',
        { ...body, target: 'staging', baseCommit: preview.baseCommit },
        userRef,
      );
      expect(res.status).toBe(201);
      const sha = res.body.commitSha;

      const trailers = await git(
        'log',
        '-1',
        '--format=%(trailers:only,unfold)',
        sha,
      );
      expect(trailers.trim().split('\n')).toEqual([
        `Promoted-by: ${userRef}`,
        `Promotion-Id: ${res.body.id}`,
        `Co-authored-by: ${name} <${email}>`,
      ]);
      const message = await git('log', '-1', '--format=%B', sha);
      expect(message.trimEnd().split('\n').slice(-4)).toEqual([
        '',
        `Promoted-by: ${userRef}`,
        `Promotion-Id: ${res.body.id}`,
        `Co-authored-by: ${name} <${email}>`,
      ]);
      expect(message.match(/^Promotion-Id:/gm)).toHaveLength(1);
      // eslint-disable-next-line no-control-regex
      expect(message).not.toMatch(/[\r\u0000\u2028\u2029]/);
      expect((await git('log', '-1', '--format=%an|%ae', sha)).trim()).toBe(
        `${name}|${email}`,
      );
    },
  );
});
