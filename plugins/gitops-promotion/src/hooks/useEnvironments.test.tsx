import { TestApiProvider } from '@backstage/frontend-test-utils';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import { entityRef, mockGitopsPromotionApi } from '../__testUtils__/fixtures';
import { gitopsPromotionApiRef } from '../api';
import { useEnvironments } from './useEnvironments';

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
