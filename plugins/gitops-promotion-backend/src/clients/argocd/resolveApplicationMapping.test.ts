import { ArgoCdConfig } from './ArgoCdConfig';
import { buildListQuery } from './buildListQuery';
import { resolveApplicationMapping } from './resolveApplicationMapping';

const config: ArgoCdConfig = {
  instances: ['hub', 'eu'].map(name => ({
    name,
    url: `https://${name}.test`,
    credentials: { kind: 'token', token: 't' },
    cacheTtlMs: 0,
    timeoutMs: 1000,
    watch: false,
  })),
  environments: [
    { environment: 'dev', instance: 'hub', application: '{service}-{env}' },
    {
      environment: 'prod-eu',
      instance: 'eu',
      application: '{service}-{env}',
      selector: 'acme.io/service={service},acme.io/env={env}',
      project: 'prod',
    },
  ],
  tracking: { settleMs: 0, timeoutMs: 1000 },
};

describe('resolveApplicationMapping', () => {
  const resolve = (environment: string, annotations?: Record<string, string>) =>
    resolveApplicationMapping(
      { service: 'shop', environment, annotations },
      config,
    );

  it('maps by the environment name template or selector', () => {
    expect(resolve('dev')).toEqual({
      kind: 'mapped',
      instance: 'hub',
      name: 'shop-dev',
    });
    expect(resolve('prod-eu')).toMatchObject({
      kind: 'mapped',
      instance: 'eu',
      project: 'prod',
      selectorText: 'acme.io/service=shop,acme.io/env=prod-eu',
    });
  });

  it('applies the annotations: app name template, selector, instance name', () => {
    expect(
      resolve('prod-eu', { 'gitops-promotion/argocd-app': 'webshop-{env}' }),
    ).toMatchObject({ instance: 'eu', name: 'webshop-prod-eu' });
    expect(
      resolve('dev', {
        'gitops-promotion/argocd-selector': 'app=webshop,env={env}',
      }),
    ).toMatchObject({ instance: 'hub', selectorText: 'app=webshop,env=dev' });
    expect(
      resolve('dev', { 'gitops-promotion/argocd-instance': 'eu' }),
    ).toMatchObject({ instance: 'eu', name: 'shop-dev' });
  });

  it.each([
    [
      'https://evil.test',
      'not a configured Argo CD instance; configured: hub, eu',
    ],
    ['hub.evil.test', 'not a configured Argo CD instance'],
  ])('refuses instance annotation %j', (value, message) => {
    const mapping = resolve('dev', {
      'gitops-promotion/argocd-instance': value,
    });
    expect(mapping.kind).toBe('not-configured');
    expect(mapping).toMatchObject({
      message: expect.stringContaining(message),
    });
  });

  it.each([
    ['gitops-promotion/argocd-app', '../../session'],
    ['gitops-promotion/argocd-app', '{team}-{env}'],
    ['gitops-promotion/argocd-selector', 'a b'],
  ])('refuses %s %j', (annotation, value) => {
    expect(resolve('dev', { [annotation]: value }).kind).toBe('not-configured');
  });

  it('leaves environments without a mapping not-configured', () => {
    expect(resolve('staging')).toMatchObject({
      kind: 'not-configured',
      message: expect.stringContaining("'staging' has no Argo CD mapping"),
    });
  });
});

describe('buildListQuery', () => {
  const env = (environment: string, extra: object = {}) => ({
    environment,
    instance: 'hub',
    application: '{service}-{env}',
    ...extra,
  });
  const selector =
    'acme.io/team=shop,acme.io/service={service},acme.io/env={env}';

  it('has no filter when an environment maps by name', () => {
    expect(buildListQuery([env('dev'), env('qa', { selector })])).toEqual({
      projects: [],
    });
  });

  it('keeps what every environment shares and merges env equalities', () => {
    expect(
      buildListQuery([
        env('dev', { selector, project: 'p1', appNamespace: 'apps' }),
        env('staging', { selector, project: 'p2', appNamespace: 'apps' }),
      ]),
    ).toEqual({
      selector: 'acme.io/team=shop,acme.io/env in (dev,staging)',
      projects: ['p1', 'p2'],
      appNamespace: 'apps',
    });
  });

  it('narrows to one environment', () => {
    expect(buildListQuery([env('prod-eu', { selector })]).selector).toBe(
      'acme.io/team=shop,acme.io/env=prod-eu',
    );
  });

  it('lists everything for an instance no environment maps to', () => {
    expect(buildListQuery([])).toEqual({ projects: [] });
  });
});
