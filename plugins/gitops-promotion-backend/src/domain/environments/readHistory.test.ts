import { lastVersionChange } from './readHistory';

describe('lastVersionChange', () => {
  it('is the newest commit that changed the version', () => {
    const entries = [
      {
        commitSha: '1'.repeat(40),
        author: { name: 'Priya Raman', email: 'priya.raman@acme.test' },
        date: '2026-11-01T10:31:00Z',
        message: 'Promote checkout 2.5.0 to prod-eu',
        from: '2.4.0',
        to: '2.5.0',
        versions: ['2.5.0'],
      },
      {
        commitSha: '2'.repeat(40),
        author: { name: 'Marcus Chen', email: 'marcus.chen@acme.test' },
        date: '2026-10-01T10:05:00Z',
        message: 'Promote checkout 2.4.0 to prod-eu',
        from: '2.3.1',
        to: '2.4.0',
        versions: ['2.4.0'],
      },
    ];
    const unrelated = {
      ...entries[0],
      commitSha: '9'.repeat(40),
      from: '2.5.0',
      to: '2.5.0',
    };
    expect(lastVersionChange([unrelated, ...entries])).toBe(entries[0]);
    expect(lastVersionChange(undefined)).toBeUndefined();
  });
});
