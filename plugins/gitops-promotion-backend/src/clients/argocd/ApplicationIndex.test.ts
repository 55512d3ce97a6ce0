import { parseLabelSelector } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { ApplicationIndex } from './ApplicationIndex';
import { parseApplication, ParsedApplication } from './parseApplication';

const app = (
  name: string,
  labels: Record<string, string>,
  namespace = 'argocd',
  health = 'Healthy',
): ParsedApplication =>
  parseApplication({
    metadata: { name, namespace, labels },
    status: { health: { status: health } },
  })!;

const names = (apps: Iterable<ParsedApplication>) =>
  [...apps].map(a => `${a.namespace}/${a.name}`).sort();
const candidates = (index: ApplicationIndex, selector: string) =>
  names(index.candidatesFor(parseLabelSelector(selector)));

describe('ApplicationIndex', () => {
  it('replaces an application in place, moving it between label buckets', () => {
    const index = new ApplicationIndex([
      app('cart-dev', { service: 'cart', env: 'dev' }),
      app('cart-prod', { service: 'cart', env: 'prod' }),
    ]);
    const replaced = index.upsert(
      app('cart-dev', { service: 'cart', env: 'qa' }, 'argocd', 'Degraded'),
    );
    expect(replaced?.labels.env).toBe('dev');
    expect(index.size).toBe(2);
    expect(candidates(index, 'env=dev')).toEqual([]);
    expect(candidates(index, 'env=qa')).toEqual(['argocd/cart-dev']);
    expect(index.named('cart-dev')[0].health.status).toBe('Degraded');
    expect(candidates(index, 'service=cart,env=prod')).toEqual([
      'argocd/cart-prod',
    ]);
  });

  it('tells applications of the same name in other namespaces apart', () => {
    const index = new ApplicationIndex([
      app('api', { team: 'a' }, 'team-a'),
      app('api', { team: 'b' }, 'team-b'),
    ]);
    expect(names(index.named('api'))).toEqual(['team-a/api', 'team-b/api']);
    expect(index.remove(app('api', {}, 'team-a'))?.labels).toEqual({
      team: 'a',
    });
    expect(index.remove(app('api', {}, 'team-c'))).toBeUndefined();
    expect(names(index.named('api'))).toEqual(['team-b/api']);
    expect(candidates(index, 'team=a')).toEqual([]);
    expect(candidates(index, 'team in (a,b)')).toEqual(['team-b/api']);
  });

  it('leaves out applications without a name', () => {
    const index = new ApplicationIndex([parseApplication({ metadata: {} })!]);
    expect(index.size).toBe(0);
  });
});
