import { parseApplication, parseApplicationList } from './parseApplication';
import {
  listReferenceFiles,
  readReferenceDocuments,
  readReferenceFile,
} from './__testUtils__/referenceApplications';

/** What is extracted from one document; `null` for documents that are not Applications. */
type Expected = null | {
  name?: string;
  sync?: string;
  revision?: string;
  health?: string;
  images: string[];
  operation?: { phase: string; revision?: string; finishedAt?: string };
  history: number;
  lastDeployedAt?: string;
};

const HEALTHY_GUESTBOOK: Expected = {
  sync: 'Synced',
  health: 'Healthy',
  images: ['quay.io/dkarpele/my-guestbook:1.0.0'],
  history: 0,
};

const expectedByFile: Record<string, Expected[]> = {
  'argo-cd__controller__testdata__diff-cache.yaml': [
    {
      name: 'velero-test',
      sync: 'Synced',
      revision: 'rev1',
      health: 'Healthy',
      images: ['nginx:latest'],
      operation: {
        phase: 'Succeeded',
        revision: 'ea8759964626a583667a2bfd08f334ec2070040a',
        finishedAt: '2024-03-05T07:33:04Z',
      },
      history: 10,
      lastDeployedAt: '2024-03-05T07:33:04Z',
    },
  ],
  'argo-cd__docs__operator-manual__application.yaml': [
    { name: 'guestbook', images: [], history: 0 },
  ],
  'argo-cd__gitops-engine__pkg__health__testdata__application-degraded.yaml': [
    { health: 'Degraded', images: [], history: 0 },
  ],
  'argo-cd__gitops-engine__pkg__health__testdata__application-healthy.yaml': [
    { health: 'Healthy', images: [], history: 0 },
  ],
  'argocd-image-updater__test__e2e__suite__101-kustomize-match-application-label__01-assert.yaml':
    [
      { ...HEALTHY_GUESTBOOK, name: 'image-updater-101-0' },
      null,
      { ...HEALTHY_GUESTBOOK, name: 'image-updater-101-1' },
      null,
      { ...HEALTHY_GUESTBOOK, name: 'image-updater-101-2' },
      null,
      null,
    ],
  'argocd-mcp__test__resources__argocd-applications-example.json': [
    {
      name: 'example',
      sync: 'OutOfSync',
      revision: 'f92d9eabe6aec90f46eec5d8eb79fcdcaef6aa04',
      health: 'Progressing',
      images: ['mirror.gcr.io/grafana/example:2.9.9'],
      operation: {
        phase: 'Running',
        revision: 'f92d9eabe6aec90f46eec5d8eb79fcdcaef6aa04',
        finishedAt: '2025-08-07T13:48:06Z',
      },
      history: 0,
    },
  ],
  'argocd-mcp__test__resources__argocd-applications.json': [
    {
      name: 'an-healthy-application',
      sync: 'Synced',
      health: 'Healthy',
      images: [],
      history: 0,
    },
    {
      name: 'another-healthy-application',
      sync: 'Synced',
      health: 'Healthy',
      images: [],
      history: 0,
    },
    {
      name: 'an-out-of-sync-application',
      sync: 'OutOfSync',
      health: 'Healthy',
      images: [],
      history: 0,
    },
    {
      name: 'another-out-of-sync-application',
      sync: 'OutOfSync',
      health: 'Healthy',
      images: [],
      history: 0,
    },
    {
      name: 'a-degraded-application',
      health: 'Degraded',
      images: [],
      history: 0,
    },
    {
      name: 'another-degraded-application',
      health: 'Degraded',
      images: [],
      history: 0,
    },
    {
      name: 'a-progressing-application',
      health: 'Progressing',
      images: [],
      history: 0,
    },
    {
      name: 'another-progressing-application',
      health: 'Progressing',
      images: [],
      history: 0,
    },
  ],
  'gitops-backend__pkg__httpapi__testdata__application.yaml': [
    {
      name: 'dev-test-app',
      sync: 'Synced',
      images: [],
      history: 1,
      lastDeployedAt: '2021-05-15T02:12:13Z',
    },
  ],
  'gitops-backend__pkg__httpapi__testdata__application3.yaml': [
    {
      name: 'dev-app-taxi',
      sync: 'Synced',
      revision: 'a0c7298faead28f7f60a5106afbb18882ad220a7',
      health: 'Healthy',
      images: ['nginxinc/nginx-unprivileged:latest'],
      operation: {
        phase: 'Succeeded',
        revision: 'a0c7298faead28f7f60a5106afbb18882ad220a7',
        finishedAt: '2022-04-22T17:11:29Z',
      },
      history: 6,
      lastDeployedAt: '2022-04-22T17:11:29Z',
    },
  ],
};

describe('parseApplication over the real Argo CD objects', () => {
  it('has an expectation for every reference file, and the files are there', () => {
    expect(listReferenceFiles()).toEqual(Object.keys(expectedByFile).sort());
  });

  it.each(Object.entries(expectedByFile))('%s', (file, expected) => {
    const extracted = readReferenceDocuments(file).map(document => {
      const parsed = parseApplication(document);
      return parsed
        ? {
            name: parsed.name,
            sync: parsed.sync.status,
            revision: parsed.sync.revision,
            health: parsed.health.status,
            images: parsed.images,
            operation: parsed.operation && {
              phase: parsed.operation.phase,
              revision: parsed.operation.revision,
              finishedAt: parsed.operation.finishedAt,
            },
            history: parsed.history.length,
            lastDeployedAt:
              parsed.history[parsed.history.length - 1]?.deployedAt,
          }
        : null;
    });
    expect(extracted).toEqual(
      expected.map(
        want =>
          want && {
            name: undefined,
            sync: undefined,
            revision: undefined,
            health: undefined,
            operation: undefined,
            lastDeployedAt: undefined,
            ...want,
          },
      ),
    );
  });

  it('reads the list responses as the REST API sends them', () => {
    const names = parseApplicationList(
      JSON.parse(
        readReferenceFile(
          'argocd-mcp__test__resources__argocd-applications.json',
        ),
      ),
    ).map(a => a.name);
    expect(names).toHaveLength(8);
    expect(parseApplicationList({ metadata: {}, items: null })).toEqual([]);
  });
});

describe('parseApplication tolerance', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'Application'],
    ['an array', []],
    ['another kind', { kind: 'Deployment', metadata: { name: 'x' } }],
  ])('returns undefined for %s', (_name, value) => {
    expect(parseApplication(value)).toBeUndefined();
  });

  it('reads a multi-source application and ignores fields of the wrong type', () => {
    const parsed = parseApplication({
      metadata: { name: 'multi', labels: { a: 'b', n: 1, o: {} }, extra: true },
      status: {
        sync: { status: 'Synced', revisions: ['abc', 42, '', 'def'] },
        health: { status: 7, message: 'fine' },
        summary: {},
        history: [
          null,
          { id: '3', revisions: ['abc', 'def'], deployedAt: 'now' },
        ],
        operationState: {
          phase: 'Succeeded',
          syncResult: { revisions: ['abc', 'def'] },
        },
        somethingNew: { x: 1 },
      },
    });
    expect(parsed).toEqual({
      name: 'multi',
      namespace: undefined,
      labels: { a: 'b', n: '1' },
      project: undefined,
      sync: {
        status: 'Synced',
        revision: undefined,
        revisions: ['abc', 'def'],
      },
      health: { status: undefined, message: 'fine' },
      images: [],
      operation: {
        phase: 'Succeeded',
        message: undefined,
        startedAt: undefined,
        finishedAt: undefined,
        revision: undefined,
        revisions: ['abc', 'def'],
      },
      reconciledAt: undefined,
      history: [
        {
          id: 3,
          revision: undefined,
          revisions: ['abc', 'def'],
          deployStartedAt: undefined,
          deployedAt: 'now',
        },
      ],
    });
  });
});
