import { ConfigReader } from '@backstage/config';
import { readArgoCdConfig } from './readArgoCdConfig';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const valid = () => ({
  argocd: {
    instances: [
      { name: 'hub', url: 'https://argocd.acme.test/', token: 'secret-token' },
      {
        name: 'eu',
        url: 'https://argocd-eu.acme.test/argo-cd',
        username: 'backstage',
        password: 'secret-password',
        tls: { caCert: PEM },
        cacheTtlSeconds: 30,
        timeoutMs: 2000,
        watch: false,
      },
    ],
    tracking: { settleSeconds: 5, timeoutSeconds: 60 },
  },
  environments: [
    { name: 'dev', repository: 'r', argocd: { instance: 'hub' } },
    {
      name: 'prod-eu',
      repository: 'r',
      argocd: {
        instance: 'eu',
        selector: 'acme.io/service={service},acme.io/env={env}',
        project: 'prod',
        appNamespace: 'apps',
      },
    },
    { name: 'dr', repository: 'r' },
  ],
});

const read = (section: object) =>
  readArgoCdConfig(new ConfigReader({ gitopsPromotion: section }));

describe('readArgoCdConfig', () => {
  it('reads instances, environment mappings and tracking with defaults', () => {
    expect(read(valid())).toEqual({
      instances: [
        {
          name: 'hub',
          url: 'https://argocd.acme.test',
          credentials: { kind: 'token', token: 'secret-token' },
          cacheTtlMs: 10_000,
          timeoutMs: 10_000,
          watch: true,
        },
        {
          name: 'eu',
          url: 'https://argocd-eu.acme.test/argo-cd',
          credentials: {
            kind: 'password',
            username: 'backstage',
            password: 'secret-password',
          },
          tls: { caCert: PEM, insecureSkipVerify: false },
          cacheTtlMs: 30_000,
          timeoutMs: 2000,
          watch: false,
        },
      ],
      environments: [
        { environment: 'dev', instance: 'hub', application: '{service}-{env}' },
        {
          environment: 'prod-eu',
          instance: 'eu',
          application: '{service}-{env}',
          selector: 'acme.io/service={service},acme.io/env={env}',
          project: 'prod',
          appNamespace: 'apps',
        },
      ],
      tracking: { settleMs: 5000, timeoutMs: 60_000 },
    });
  });

  it('defaults tracking to a 10 s settle window and a 15 min timeout', () => {
    const section = valid();
    delete (section.argocd as { tracking?: object }).tracking;
    expect(read(section)?.tracking).toEqual({
      settleMs: 10_000,
      timeoutMs: 900_000,
    });
  });

  it.each<[string, (c: any) => void, Record<string, number>]>([
    [
      'durations as strings',
      c => {
        c.argocd.instances[1] = {
          ...c.argocd.instances[1],
          cacheTtl: '30s',
          timeout: '2s',
        };
        c.argocd.tracking = { settle: '5s', timeout: '1m' };
      },
      {
        cacheTtlMs: 30_000,
        timeoutMs: 2000,
        settleMs: 5000,
        trackingMs: 60_000,
      },
    ],
    [
      'durations as ISO 8601 and as objects',
      c => {
        c.argocd.instances[1] = {
          ...c.argocd.instances[1],
          cacheTtl: 'PT30S',
          timeout: { milliseconds: 2000 },
        };
        c.argocd.tracking = { settle: { seconds: 5 }, timeout: 'PT1M' };
      },
      {
        cacheTtlMs: 30_000,
        timeoutMs: 2000,
        settleMs: 5000,
        trackingMs: 60_000,
      },
    ],
    [
      'a duration over the number of earlier versions',
      c => {
        c.argocd.instances[1].cacheTtl = '1m';
        c.argocd.tracking.settle = '0s';
      },
      { cacheTtlMs: 60_000, timeoutMs: 2000, settleMs: 0, trackingMs: 60_000 },
    ],
  ])('reads %s', (_, change, expected) => {
    const section = valid();
    change(section);
    const config = read(section)!;
    expect({
      cacheTtlMs: config.instances[1].cacheTtlMs,
      timeoutMs: config.instances[1].timeoutMs,
      settleMs: config.tracking.settleMs,
      trackingMs: config.tracking.timeoutMs,
    }).toEqual(expected);
  });

  it.each<[string, (c: any) => void, string]>([
    [
      'a duration that is no duration',
      c => (c.argocd.instances[0].timeout = 'soon'),
      "gitopsPromotion.argocd.instances[0].timeout: must be a duration like '30s', 'PT30S' or { seconds: 30 }",
    ],
    [
      'a tracking timeout under a second',
      c => (c.argocd.tracking.timeout = '10ms'),
      'gitopsPromotion.argocd.tracking.timeout: must be at least 1000 ms, got 10 ms',
    ],
  ])('refuses %s, naming the key', (_, change, message) => {
    const section = valid();
    change(section);
    expect(() => read(section)).toThrow(message);
  });

  it('is undefined without any Argo CD configuration', () => {
    expect(
      read({ environments: [{ name: 'dev', repository: 'r' }] }),
    ).toBeUndefined();
    expect(readArgoCdConfig(new ConfigReader({}))).toBeUndefined();
  });

  it.each<[string, (c: any) => void, string]>([
    [
      'duplicate instance',
      c => c.argocd.instances.push({ ...c.argocd.instances[0] }),
      "gitopsPromotion.argocd.instances: duplicate name 'hub'",
    ],
    [
      'bad instance name',
      c => (c.argocd.instances[0].name = 'Hub'),
      'gitopsPromotion.argocd.instances[0].name',
    ],
    [
      'not a url',
      c => (c.argocd.instances[0].url = 'argocd'),
      "gitopsPromotion.argocd.instances[0].url: 'argocd' is not a URL",
    ],
    [
      'ftp url',
      c => (c.argocd.instances[0].url = 'ftp://argocd'),
      'gitopsPromotion.argocd.instances[0].url: must be an http or https URL',
    ],
    [
      'credentials in the url',
      c => (c.argocd.instances[0].url = 'https://u:p@argocd'),
      'gitopsPromotion.argocd.instances[0].url: must not contain credentials',
    ],
    [
      'token and password',
      c => (c.argocd.instances[0].password = 'x'),
      'gitopsPromotion.argocd.instances[0]: set either token or username and password',
    ],
    [
      'no credentials',
      c => delete c.argocd.instances[0].token,
      'gitopsPromotion.argocd.instances[0]: needs a token, or a username and password',
    ],
    [
      'username without password',
      c => delete c.argocd.instances[1].password,
      'gitopsPromotion.argocd.instances[1].password: is required with username',
    ],
    [
      'caCert that is not PEM',
      c => (c.argocd.instances[1].tls.caCert = '/etc/ca.pem'),
      'gitopsPromotion.argocd.instances[1].tls.caCert: must be PEM',
    ],
    [
      'caCert and insecureSkipVerify',
      c => (c.argocd.instances[1].tls.insecureSkipVerify = true),
      'gitopsPromotion.argocd.instances[1].tls: set caCert or insecureSkipVerify',
    ],
    [
      'tls on http',
      c => Object.assign(c.argocd.instances[1], { url: 'http://argocd' }),
      'gitopsPromotion.argocd.instances[1].tls: only applies to https URLs',
    ],
    [
      'negative ttl',
      c => (c.argocd.instances[0].cacheTtlSeconds = -1),
      'gitopsPromotion.argocd.instances[0].cacheTtlSeconds: must be a number >= 0',
    ],
    [
      'unknown instance',
      c => (c.environments[0].argocd.instance = 'spoke'),
      "gitopsPromotion.environments[0].argocd.instance: unknown instance 'spoke'; configured: hub, eu",
    ],
    [
      'a url as instance',
      c => (c.environments[0].argocd.instance = 'https://evil.test'),
      "gitopsPromotion.environments[0].argocd.instance: unknown instance 'https://evil.test'",
    ],
    [
      'template without {service}',
      c => (c.environments[0].argocd.application = 'app-{env}'),
      "gitopsPromotion.environments[0].argocd.application: 'app-{env}' must contain {service}",
    ],
    [
      'unknown placeholder',
      c => (c.environments[0].argocd.application = '{app}-{service}'),
      'gitopsPromotion.environments[0].argocd.application: unknown placeholder {app}',
    ],
    [
      'selector that does not parse',
      c => (c.environments[1].argocd.selector = 'svc {service}'),
      'gitopsPromotion.environments[1].argocd.selector',
    ],
    [
      'mapping without instance',
      c => delete c.environments[0].argocd.instance,
      'gitopsPromotion.environments[0].argocd.instance',
    ],
    [
      'zero timeout',
      c => (c.argocd.tracking.timeoutSeconds = 0),
      'gitopsPromotion.argocd.tracking.timeoutSeconds: must be a number >= 1',
    ],
  ])('refuses %s, naming the key', (_name, mutate, message) => {
    const section = valid();
    mutate(section);
    expect(() => read(section)).toThrow(message);
  });

  it('never puts a credential into an error message', () => {
    const section = valid();
    (section.argocd.instances[1] as any).token = 'x';
    expect(() => read(section)).toThrow(/^(?!.*secret-(token|password)).*$/s);
  });
});
