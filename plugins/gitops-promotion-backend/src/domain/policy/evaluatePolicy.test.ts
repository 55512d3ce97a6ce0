import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { DateTime, Duration } from 'luxon';
import { parseCron } from './cron';
import { evaluatePolicy } from './evaluatePolicy';
import { toPolicyError } from './toPolicyError';
import {
  EnvironmentPolicy,
  PipelineEnvironment,
  PolicyInput,
  PolicyRule,
} from './types';
import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** The demo graph: dev → staging → prod-eu, prod-us. */
const pipeline: PipelineEnvironment[] = [
  { name: 'dev', promotesFrom: [] },
  { name: 'staging', promotesFrom: ['dev'] },
  { name: 'prod-eu', promotesFrom: ['staging'] },
  { name: 'prod-us', promotesFrom: ['staging'] },
];

const policy = (
  overrides: Partial<EnvironmentPolicy> = {},
): EnvironmentPolicy => ({
  mode: 'commit',
  allowSkip: false,
  gate: {
    requireSynced: true,
    requireHealthy: true,
    requireSourceVersion: true,
  },
  protected: false,
  immutableVersions: {},
  freezeWindows: [],
  ...overrides,
});

const status = (
  syncStatus = 'Synced',
  health = 'Healthy',
  message?: string,
): GitopsArgoCdStatus => ({
  state: 'known',
  syncStatus,
  revisions: [],
  health: { status: health, message },
  images: ['ghcr.io/acme/shop:2.6.1'],
  application: { instance: 'main', name: 'shop-staging' },
});

const weekend = {
  type: 'cron' as const,
  name: 'weekend',
  timeZone: 'Europe/Berlin',
  cron: '0 18 * * FRI',
  schedule: parseCron('0 18 * * FRI'),
  duration: Duration.fromISO('P2DT15H'),
};

const base: PolicyInput = {
  source: 'staging',
  target: 'prod-eu',
  pipeline,
  versions: [{ key: 'image.tag', version: '2.6.1', sourceVersion: '2.6.1' }],
  sourceStatus: status(),
  targetPolicy: policy(),
  permissions: { promote: true, freezeOverride: false },
  // A Wednesday.
  now: DateTime.fromISO('2026-10-21T10:00', { zone: 'Europe/Berlin' }),
};

const verdict = (input: Partial<PolicyInput>, rule: PolicyRule) =>
  evaluatePolicy({ ...base, ...input }).verdicts.find(v => v.rule === rule)!;

describe('evaluatePolicy', () => {
  it('allows a promotion that passes every rule, one verdict per rule', () => {
    const result = evaluatePolicy(base);
    expect(result.allowed).toBe(true);
    expect(result.verdicts.map(v => [v.rule, v.passed])).toEqual([
      ['permission', true],
      ['pipeline-order', true],
      ['upstream-gate', true],
      ['immutable-version', true],
      ['freeze-window', true],
    ]);
    expect(toPolicyError(result)).toBeUndefined();
  });

  it('evaluates every rule even when the first one fails', () => {
    const result = evaluatePolicy({
      ...base,
      source: 'dev',
      permissions: { promote: false, freezeOverride: false },
      sourceStatus: status('OutOfSync'),
    });
    expect(result.allowed).toBe(false);
    expect(result.verdicts.filter(v => !v.passed).map(v => v.rule)).toEqual([
      'permission',
      'pipeline-order',
      'upstream-gate',
    ]);
  });

  describe('permission', () => {
    it.each([
      [true, 'Permission: you may promote to prod-eu'],
      [
        false,
        'Permission: you may not promote to prod-eu. Ask an administrator to grant you gitops-promotion.environment.promote for prod-eu.',
      ],
    ])('promote allowed: %s', (promote, message) => {
      const v = verdict(
        { permissions: { promote, freezeOverride: true } },
        'permission',
      );
      expect(v.passed).toBe(promote);
      expect(v.message).toContain(message);
    });
  });

  describe('pipeline order on the demo graph', () => {
    it.each<[string | undefined, string, boolean, boolean, string]>([
      ['dev', 'staging', false, true, 'staging is promoted from dev.'],
      ['staging', 'prod-eu', false, true, 'prod-eu is promoted from staging.'],
      ['staging', 'prod-us', false, true, 'prod-us is promoted from staging.'],
      [
        'dev',
        'prod-eu',
        false,
        false,
        'prod-eu is promoted from staging, not dev. Promote through staging first, or ask an administrator to set allowSkip: true on prod-eu.',
      ],
      [
        'dev',
        'prod-eu',
        true,
        true,
        'prod-eu allows skipping environments; promoting from dev skips staging.',
      ],
      ['dev', 'prod-us', true, true, 'skips staging'],
      [
        'prod-eu',
        'prod-us',
        true,
        false,
        'prod-us is not downstream of prod-eu. Promote into prod-us from staging.',
      ],
      [
        'prod-eu',
        'staging',
        true,
        false,
        'staging is not downstream of prod-eu. Promote into staging from dev.',
      ],
      [
        'staging',
        'dev',
        true,
        false,
        'dev is a first environment with no upstream',
      ],
      [
        'prod-eu',
        'prod-eu',
        true,
        false,
        'cannot promote prod-eu into itself; promote into prod-eu from staging.',
      ],
      [
        'qa',
        'prod-eu',
        true,
        false,
        "unknown environment 'qa'; choose one of dev, staging, prod-eu, prod-us.",
      ],
      [undefined, 'prod-eu', false, true, 'does not apply'],
    ])(
      '%s → %s (allowSkip %s): %s',
      (source, target, allowSkip, passed, message) => {
        const v = verdict(
          { source, target, targetPolicy: policy({ allowSkip }) },
          'pipeline-order',
        );
        expect(v).toEqual({
          rule: 'pipeline-order',
          passed,
          message: expect.stringContaining(message),
        });
        expect(v.message).toMatch(/^Pipeline order: /);
      },
    );

    it('lists every skipped environment, nearest to the source first', () => {
      const chain: PipelineEnvironment[] = [
        { name: 'a', promotesFrom: [] },
        { name: 'b', promotesFrom: ['a'] },
        { name: 'c', promotesFrom: ['b'] },
        { name: 'd', promotesFrom: ['c'] },
      ];
      expect(
        verdict({ pipeline: chain, source: 'a', target: 'd' }, 'pipeline-order')
          .message,
      ).toContain('Promote through b, c first');
    });
  });

  describe('upstream gate', () => {
    const gate = (g: Partial<EnvironmentPolicy['gate']>) =>
      policy({ gate: { ...policy().gate, ...g } });

    it.each<[string, Partial<PolicyInput>, boolean, string[]]>([
      [
        'source runs it, Synced and Healthy',
        {},
        true,
        ['Upstream gate: staging runs 2.6.1, Synced, Healthy.'],
      ],
      [
        'OutOfSync',
        { sourceStatus: status('OutOfSync') },
        false,
        [
          'Upstream gate: prod-eu takes versions only from an upstream that runs 2.6.1, Synced, Healthy, but staging is OutOfSync in Argo CD. To promote, wait for Argo CD to sync staging; or ask an administrator to turn off gate.requireSynced for prod-eu.',
        ],
      ],
      [
        'Degraded',
        { sourceStatus: status('Synced', 'Degraded', 'CrashLoopBackOff') },
        false,
        [
          'staging is Degraded (CrashLoopBackOff) in Argo CD',
          'fix staging until Argo CD reports it Healthy',
          'gate.requireHealthy',
        ],
      ],
      [
        'Progressing',
        { sourceStatus: status('Synced', 'Progressing') },
        false,
        ['wait until staging is Healthy'],
      ],
      [
        'another version in git',
        {
          versions: [
            { key: 'image.tag', version: '2.6.1', sourceVersion: '2.6.0' },
          ],
        },
        false,
        [
          'staging has image.tag 2.6.0, not 2.6.1',
          'promote 2.6.1 to staging first',
          'gate.requireSourceVersion',
        ],
      ],
      [
        'a bundle with one key behind',
        {
          versions: [
            { key: 'image.tag', version: '2.6.1', sourceVersion: '2.6.1' },
            {
              key: 'dependencies[name=service-base].version',
              version: '1.6.0',
            },
          ],
        },
        false,
        [
          'staging has dependencies[name=service-base].version unset, not 1.6.0',
        ],
      ],
      [
        'several problems',
        {
          sourceStatus: status('OutOfSync', 'Degraded'),
          versions: [
            { key: 'image.tag', version: '2.6.1', sourceVersion: '2.6.0' },
          ],
        },
        false,
        [
          'but staging has image.tag 2.6.0, not 2.6.1; staging is OutOfSync in Argo CD; staging is Degraded in Argo CD.',
          'gate.requireSourceVersion/gate.requireSynced/gate.requireHealthy for prod-eu',
        ],
      ],
      [
        'Argo CD unreachable',
        {
          sourceStatus: {
            state: 'unknown',
            reason: 'instance-unreachable',
            message: 'connect ECONNREFUSED',
          },
        },
        false,
        [
          'the Argo CD status of staging is unknown (instance-unreachable: connect ECONNREFUSED)',
          'retry once Argo CD is reachable again',
        ],
      ],
      [
        'Argo CD not configured',
        { sourceStatus: undefined },
        false,
        [
          'unknown (not-configured)',
          'configure the Argo CD application of staging',
        ],
      ],
      [
        'OutOfSync, sync not required',
        {
          sourceStatus: status('OutOfSync'),
          targetPolicy: gate({ requireSynced: false }),
        },
        true,
        ['staging runs 2.6.1, Healthy.'],
      ],
      [
        'unknown status, only the version required',
        {
          sourceStatus: undefined,
          targetPolicy: gate({ requireSynced: false, requireHealthy: false }),
        },
        true,
        ['staging runs 2.6.1.'],
      ],
      [
        'disabled',
        {
          sourceStatus: status('OutOfSync', 'Degraded'),
          targetPolicy: gate({
            requireSynced: false,
            requireHealthy: false,
            requireSourceVersion: false,
          }),
        },
        true,
        ['disabled for prod-eu'],
      ],
      [
        'a CI set (no source)',
        { source: undefined, sourceStatus: undefined },
        true,
        ['does not apply'],
      ],
      [
        'Synced, but to a commit before the version (Argo CD has not seen the new one yet)',
        {
          sourceSynced: { revision: 'a'.repeat(40), values: ['2.6.0'] },
        },
        false,
        [
          'Argo CD has synced staging to aaaaaaa, where image.tag is 2.6.0, not 2.6.1',
          'wait for Argo CD to sync staging to 2.6.1',
          'gate.requireSynced',
        ],
      ],
      [
        'Synced to a commit that carries the version',
        {
          sourceSynced: { revision: 'a'.repeat(40), values: ['2.6.1'] },
        },
        true,
        ['staging runs 2.6.1, Synced, Healthy.'],
      ],
      [
        'Synced to a commit without the key (a new service)',
        {
          sourceSynced: { revision: 'a'.repeat(40), values: [undefined] },
        },
        false,
        ['where image.tag is unset, not 2.6.1'],
      ],
      [
        'Synced to an older commit, with requireSynced off',
        {
          sourceSynced: { revision: 'a'.repeat(40), values: ['2.6.0'] },
          targetPolicy: gate({ requireSynced: false }),
        },
        true,
        ['staging runs 2.6.1, Healthy.'],
      ],
    ])('%s', (_name, input, passed, fragments) => {
      const v = verdict(input, 'upstream-gate');
      expect(v.passed).toBe(passed);
      for (const fragment of fragments) {
        expect(v.message).toContain(fragment);
      }
    });
  });

  describe('immutable versions', () => {
    const protectedPolicy = (rejectPattern?: RegExp) =>
      policy({ protected: true, immutableVersions: { rejectPattern } });

    it.each<[string, EnvironmentPolicy, string, boolean, string]>([
      [
        'unprotected, latest',
        policy(),
        'latest',
        true,
        'prod-eu is not protected',
      ],
      [
        'protected, release tag',
        protectedPolicy(),
        '2.6.1',
        true,
        'every version is immutable',
      ],
      [
        'protected, latest',
        protectedPolicy(),
        'latest',
        false,
        "Immutable versions: prod-eu is protected and accepts only immutable versions, but image.tag 'latest' is a tag that moves. Promote a release version (such as 2.6.1) or a digest (sha256:… or <tag>@sha256:…) instead.",
      ],
      [
        'protected, LATEST',
        protectedPolicy(),
        'LATEST',
        false,
        'is a tag that moves',
      ],
      [
        'protected, main',
        protectedPolicy(),
        'main',
        false,
        'is a tag that moves',
      ],
      [
        'protected, master',
        protectedPolicy(),
        'master',
        false,
        'is a tag that moves',
      ],
      [
        'protected, stable',
        protectedPolicy(),
        'stable',
        false,
        'is a tag that moves',
      ],
      [
        'protected, head',
        protectedPolicy(),
        'HEAD',
        false,
        'is a tag that moves',
      ],
      [
        'protected, digest',
        protectedPolicy(),
        DIGEST,
        true,
        'every version is immutable',
      ],
      [
        'protected, latest pinned by digest',
        protectedPolicy(),
        `latest@${DIGEST}`,
        true,
        'every version is immutable',
      ],
      [
        'protected, pattern',
        protectedPolicy(/-SNAPSHOT$/),
        '1.0-SNAPSHOT',
        false,
        "image.tag '1.0-SNAPSHOT' matches the pattern /-SNAPSHOT$/ that prod-eu rejects",
      ],
      [
        'protected, pattern, digest',
        protectedPolicy(/.*/),
        DIGEST,
        true,
        'every version is immutable',
      ],
      [
        'protected, pattern not matching',
        protectedPolicy(/-SNAPSHOT$/),
        '1.0.0',
        true,
        'every version is immutable',
      ],
    ])('%s', (_name, targetPolicy, version, passed, message) => {
      const v = verdict(
        {
          targetPolicy,
          versions: [{ key: 'image.tag', version, sourceVersion: version }],
        },
        'immutable-version',
      );
      expect(v.passed).toBe(passed);
      expect(v.message).toContain(message);
    });
  });

  describe('freeze windows', () => {
    const frozen = policy({ freezeWindows: [weekend] });
    // Saturday, inside the window that started Friday 18:00 CEST.
    const saturday = DateTime.fromISO('2026-10-24T11:00', {
      zone: 'Europe/Berlin',
    });

    it.each<
      [string, Partial<PolicyInput>, boolean, boolean | undefined, string]
    >([
      ['no windows', {}, true, undefined, 'Freeze windows: prod-eu has none.'],
      [
        'outside the window',
        { targetPolicy: frozen },
        true,
        undefined,
        'prod-eu is not frozen now',
      ],
      [
        'inside the window',
        { targetPolicy: frozen, now: saturday },
        false,
        undefined,
        "Freeze windows: prod-eu is frozen by 'weekend' (from Fri 2026-10-23 18:00 until Mon 2026-10-26 09:00 Europe/Berlin). Promote after Mon 2026-10-26 09:00 Europe/Berlin, or ask someone holding gitops-promotion.freeze.override for prod-eu to promote it.",
      ],
      [
        'inside the window, overridden',
        {
          targetPolicy: frozen,
          now: saturday,
          permissions: { promote: true, freezeOverride: true },
        },
        true,
        true,
        "prod-eu is frozen by 'weekend' (from Fri 2026-10-23 18:00 until Mon 2026-10-26 09:00 Europe/Berlin); overridden with gitops-promotion.freeze.override.",
      ],
      [
        'an open-ended range',
        {
          targetPolicy: policy({
            freezeWindows: [
              {
                type: 'range',
                name: 'migration',
                timeZone: 'UTC',
                from: DateTime.fromISO('2026-10-01T00:00:00Z'),
              },
            ],
          }),
        },
        false,
        undefined,
        "frozen by 'migration' (from Thu 2026-10-01 00:00 until further notice UTC). The freeze has no end date",
      ],
    ])('%s', (_name, input, passed, overridden, message) => {
      const v = verdict(input, 'freeze-window');
      expect(v.passed).toBe(passed);
      expect(v.overridden).toBe(overridden);
      expect(v.message).toContain(message);
    });
  });
});

describe('toPolicyError', () => {
  it.each<[string, Partial<PolicyInput>, Function]>([
    [
      'permission',
      { permissions: { promote: false, freezeOverride: false } },
      NotAllowedError,
    ],
    ['pipeline order', { source: 'dev' }, InputError],
    [
      'immutable version',
      {
        targetPolicy: policy({ protected: true }),
        versions: [
          { key: 'image.tag', version: 'latest', sourceVersion: 'latest' },
        ],
      },
      InputError,
    ],
    ['gate', { sourceStatus: status('OutOfSync') }, ConflictError],
    [
      'permission wins over the gate',
      {
        sourceStatus: status('OutOfSync'),
        permissions: { promote: false, freezeOverride: false },
      },
      NotAllowedError,
    ],
    [
      'input wins over the gate',
      { source: 'dev', sourceStatus: status('OutOfSync') },
      InputError,
    ],
  ])('%s', (_name, input, ErrorClass) => {
    const error = toPolicyError(evaluatePolicy({ ...base, ...input }));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error!.message).toMatch(/^Promotion refused\. /);
  });

  it('joins every failed verdict into the message', () => {
    const error = toPolicyError(
      evaluatePolicy({
        ...base,
        source: 'dev',
        sourceStatus: status('OutOfSync'),
      }),
    );
    expect(error!.message).toContain(
      'Pipeline order: prod-eu is promoted from staging, not dev.',
    );
    expect(error!.message).toContain('Upstream gate:');
  });
});
