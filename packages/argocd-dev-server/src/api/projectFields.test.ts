import { projectFields } from './projectFields';

describe('projectFields', () => {
  const list = {
    metadata: { resourceVersion: '7', continue: 'x' },
    items: [
      {
        metadata: { name: 'a', namespace: 'argocd', uid: 'u' },
        status: {
          sync: { status: 'Synced', revision: 'r1', comparedTo: {} },
          health: { status: 'Healthy' },
          history: [{ id: 1, revision: 'r0', deployedAt: 't', source: {} }],
        },
      },
    ],
  };

  it('keeps listed paths and their subtrees, walking arrays', () => {
    expect(
      projectFields(
        list,
        'metadata.resourceVersion,items.metadata.name,items.status.health,items.status.history.revision',
      ),
    ).toEqual({
      metadata: { resourceVersion: '7' },
      items: [
        {
          metadata: { name: 'a' },
          status: {
            health: { status: 'Healthy' },
            history: [{ revision: 'r0' }],
          },
        },
      ],
    });
  });

  it('drops the list metadata unless it is listed, like Argo CD', () => {
    expect(projectFields(list, 'items.metadata.name')).toEqual({
      items: [{ metadata: { name: 'a' } }],
    });
  });

  it('excludes listed paths with a leading minus', () => {
    const result = projectFields(list, '-items.status,metadata.continue');
    expect(result.items[0]).toEqual({ metadata: list.items[0].metadata });
    expect(result.metadata).toEqual({ resourceVersion: '7' });
  });

  it('returns the body untouched without fields', () => {
    expect(projectFields(list, '')).toBe(list);
  });
});
