import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readPluginConfig } from './readPluginConfig';

const appConfig = parseYaml(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../app-config.yaml'),
    'utf8',
  ),
);

/** The embedded default's section with `change` applied to staging (environments[1]). */
function readWithStaging(change: (staging: any) => void) {
  const section = JSON.parse(JSON.stringify(appConfig.gitopsPromotion));
  change(section.environments[1]);
  return readPluginConfig(new ConfigReader({ gitopsPromotion: section }))!;
}

const staging = (change: (staging: any) => void) =>
  readWithStaging(change).environments[1];

describe('the environment keys of promotions that act by themselves', () => {
  it('reads promotesFrom entries as names or automatic edges', () => {
    const env = staging(s => {
      s.promotesFrom = [{ environment: 'dev', auto: true, after: 'PT30M' }];
    });
    expect(env.promotesFrom).toEqual(['dev']);
    expect(env.autoPromotesFrom).toEqual([
      { environment: 'dev', afterMs: 30 * 60_000 },
    ]);
    expect(staging(s => (s.promotesFrom = ['dev'])).autoPromotesFrom).toEqual(
      [],
    );
    expect(
      staging(s => (s.promotesFrom = [{ environment: 'dev', auto: true }]))
        .autoPromotesFrom,
    ).toEqual([{ environment: 'dev', afterMs: 0 }]);
  });

  it('reads approvals, canonical group refs, one approval by default', () => {
    expect(
      staging(s => (s.approvals = { from: ['release-managers'] })).approvals,
    ).toEqual({ required: 1, from: ['group:default/release-managers'] });
  });

  it('reads verification checks and rollbackOnFailure', () => {
    const env = staging(s => {
      s.verification = [
        { name: 'health', type: 'argocd-health', for: 'PT2M' },
        {
          name: 'smoke',
          type: 'http',
          url: 'https://{service}.staging.acme.test/healthz',
          expectStatus: 204,
        },
        {
          name: 'canary',
          type: 'webhook',
          url: 'http://localhost:7007/api/canary',
          timeout: '5s',
        },
      ];
      s.rollbackOnFailure = true;
    });
    expect(env.verification).toEqual([
      { type: 'argocd-health', name: 'health', forMs: 120_000 },
      {
        type: 'http',
        name: 'smoke',
        url: 'https://{service}.staging.acme.test/healthz',
        timeoutMs: 10_000,
        expectStatus: 204,
      },
      {
        type: 'webhook',
        name: 'canary',
        url: 'http://localhost:7007/api/canary',
        timeoutMs: 5000,
      },
    ]);
    expect(env.rollbackOnFailure).toBe(true);
    expect(staging(() => {}).rollbackOnFailure).toBe(false);
  });

  it.each<[string, (s: any) => void, string]>([
    [
      'after without auto',
      s => (s.promotesFrom = [{ environment: 'dev', after: 'PT5M' }]),
      'gitopsPromotion.environments[1].promotesFrom[0].after: only applies with auto: true',
    ],
    [
      'an unknown automatic upstream',
      s => (s.promotesFrom = [{ environment: 'qa', auto: true }]),
      "gitopsPromotion.environments[1].promotesFrom[0]: unknown environment 'qa'",
    ],
    [
      'zero approvals',
      s => (s.approvals = { required: 0, from: ['group:default/platform'] }),
      'gitopsPromotion.environments[1].approvals.required: must be a whole number from 1 to 10, got 0',
    ],
    [
      'approvals from nobody',
      s => (s.approvals = { from: [] }),
      'gitopsPromotion.environments[1].approvals.from: name at least one group whose members may approve',
    ],
    [
      'an unknown check type',
      s => (s.verification = [{ name: 'x', type: 'prometheus' }]),
      "gitopsPromotion.environments[1].verification[0].type: must be one of argocd-health, http, webhook, got 'prometheus'",
    ],
    [
      'a check URL with an unknown placeholder',
      s =>
        (s.verification = [
          { name: 'x', type: 'http', url: 'https://{team}.acme.test' },
        ]),
      'gitopsPromotion.environments[1].verification[0].url: unknown placeholder {team}; use {service} or {env}',
    ],
    [
      'a check URL that is not http',
      s =>
        (s.verification = [
          { name: 'x', type: 'webhook', url: 'file:///etc/passwd' },
        ]),
      'gitopsPromotion.environments[1].verification[0].url: must be http or https, got file:',
    ],
    [
      'two checks of one name',
      s =>
        (s.verification = [
          { name: 'x', type: 'argocd-health' },
          { name: 'x', type: 'argocd-health' },
        ]),
      "gitopsPromotion.environments[1].verification[1].name: duplicate check name 'x'",
    ],
  ])('refuses %s, naming the key', (_, change, message) => {
    expect(() => readWithStaging(change)).toThrow(message);
  });
});
