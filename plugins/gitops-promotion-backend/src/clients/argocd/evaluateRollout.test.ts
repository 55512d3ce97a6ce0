import { evaluateRollout, RolloutEvaluationInput } from './evaluateRollout';
import type {
  GitopsArgoCdStatus,
  GitopsKnownArgoCdStatus,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

const COMMIT = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const since = new Date('2026-11-22T10:00:00Z');
const at = (seconds: number) => new Date(since.getTime() + seconds * 1000);

const known = (
  overrides: Partial<GitopsKnownArgoCdStatus> = {},
): GitopsKnownArgoCdStatus => ({
  state: 'known',
  syncStatus: 'Synced',
  revision: OLD,
  revisions: [],
  health: { status: 'Healthy' },
  images: [],
  application: { instance: 'hub', name: 'shop-dev' },
  ...overrides,
});

const evaluate = (
  status: GitopsArgoCdStatus,
  seconds: number,
  extra: Partial<RolloutEvaluationInput> = {},
) =>
  evaluateRollout({
    status,
    commitSha: COMMIT,
    since,
    now: at(seconds),
    settleMs: 10_000,
    timeoutMs: 900_000,
    ...extra,
  });

describe('evaluateRollout', () => {
  it.each<[string, GitopsArgoCdStatus, string]>([
    ['still at the old revision', known(), 'Pending'],
    [
      'OutOfSync at the old revision',
      known({ syncStatus: 'OutOfSync' }),
      'Pending',
    ],
    [
      'sync running for the commit',
      known({
        syncStatus: 'OutOfSync',
        health: { status: 'Progressing' },
        operation: { phase: 'Running', revision: COMMIT, revisions: [] },
      }),
      'Syncing',
    ],
    [
      'at the commit but OutOfSync',
      known({ revision: COMMIT, syncStatus: 'OutOfSync' }),
      'Syncing',
    ],
    [
      'just Synced and Healthy at the commit',
      known({ revision: COMMIT }),
      'Syncing',
    ],
    [
      'Degraded at the commit',
      known({
        revision: COMMIT,
        health: { status: 'Degraded', message: 'CrashLoopBackOff' },
      }),
      'Failed',
    ],
    [
      'a failed sync of the commit',
      known({
        operation: {
          phase: 'Failed',
          message: 'hook failed',
          revision: COMMIT,
          revisions: [],
        },
      }),
      'Failed',
    ],
    [
      'an errored sync of the commit',
      known({ operation: { phase: 'Error', revision: COMMIT, revisions: [] } }),
      'Failed',
    ],
    [
      'Degraded at the old revision',
      known({ health: { status: 'Degraded' } }),
      'Pending',
    ],
    [
      'multi-source, commit among revisions',
      known({ revision: undefined, revisions: ['x', COMMIT] }),
      'Syncing',
    ],
    ['short SHA reported', known({ revision: COMMIT.slice(0, 8) }), 'Syncing'],
    [
      'unknown status',
      { state: 'unknown', reason: 'instance-unreachable', message: 'down' },
      'Pending',
    ],
  ])('%s -> %s', (_name, status, phase) => {
    expect(evaluate(status, 5).phase).toBe(phase);
  });

  it('is Deployed only after staying Synced and Healthy for the settle window', () => {
    const status = known({ revision: COMMIT });
    const first = evaluate(status, 5);
    expect(first).toMatchObject({
      phase: 'Syncing',
      state: { healthySince: at(5).toISOString() },
    });
    const second = evaluate(status, 12, { previous: first.state });
    expect(second.phase).toBe('Syncing');
    const third = evaluate(status, 15, { previous: second.state });
    expect(third).toMatchObject({
      phase: 'Deployed',
      reason: 'Synced and Healthy at aaaaaaa',
    });
  });

  it('restarts the settle window when health drops in between', () => {
    const first = evaluate(known({ revision: COMMIT }), 5);
    const dip = evaluate(
      known({ revision: COMMIT, health: { status: 'Progressing' } }),
      8,
      { previous: first.state },
    );
    expect(dip.state.healthySince).toBeUndefined();
    const again = evaluate(known({ revision: COMMIT }), 16, {
      previous: dip.state,
    });
    expect(again.phase).toBe('Syncing');
  });

  it('ignores a previous state of another commit', () => {
    const result = evaluate(known({ revision: COMMIT }), 20, {
      previous: { commitSha: OLD, healthySince: since.toISOString() },
    });
    expect(result.phase).toBe('Syncing');
  });

  it('fails after the timeout unless deployed', () => {
    expect(evaluate(known(), 901)).toMatchObject({
      phase: 'Failed',
      reason: expect.stringContaining('Not deployed 900s after the commit'),
    });
    expect(
      evaluate(
        { state: 'unknown', reason: 'access-denied', message: 'no' },
        901,
      ).phase,
    ).toBe('Failed');
  });

  it('accepts a descendant revision of the commit', () => {
    const result = evaluate(known({ revision: OLD }), 30, {
      descendantRevisions: new Set([OLD]),
      previous: { commitSha: COMMIT, healthySince: at(10).toISOString() },
    });
    expect(result.phase).toBe('Deployed');
  });
});
