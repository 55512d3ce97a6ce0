import { TestApiProvider } from '@backstage/frontend-test-utils';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import {
  entityRef,
  history,
  mockGitopsPromotionApi,
} from '../__testUtils__/fixtures';
import { gitopsPromotionApiRef } from '../api';
import { useEnvironments } from './useEnvironments';
import { lastVersionChange } from './useEnvironmentHistory';

describe('useEnvironments', () => {
  it('loads the environments of the entity and reloads on retry', async () => {
    const api = mockGitopsPromotionApi();
    const { result } = renderHook(() => useEnvironments(entityRef), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <TestApiProvider apis={[[gitopsPromotionApiRef, api]]}>
          {children}
        </TestApiProvider>
      ),
    });
    expect(result.current.loading).toBe(true);
    await waitFor(() =>
      expect(result.current.value?.environments).toHaveLength(4),
    );
    expect(api.getEnvironments).toHaveBeenCalledWith(entityRef);
    act(() => result.current.retry());
    await waitFor(() => expect(api.getEnvironments).toHaveBeenCalledTimes(2));
  });
});

describe('lastVersionChange', () => {
  it('is the newest commit that changed the version', () => {
    const entries = history('prod-eu').history;
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
