import { TestApiProvider } from '@backstage/frontend-test-utils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import {
  entityRef,
  mockGitopsPromotionApi,
  pipeline,
} from '../__testUtils__/fixtures';
import { mockSignalApi, statusChanged } from '../__testUtils__/signals';
import { GitopsPromotionApi, gitopsPromotionApiRef } from '../api';
import { useEnvironments } from './useEnvironments';

function renderEnvironments(api: GitopsPromotionApi, signals?: SignalApi) {
  // every state the caller saw, to tell whether a refetch showed as loading
  const seen: Array<{ loading: boolean; versions?: string[] }> = [];
  const rendered = renderHook(
    () => {
      const state = useEnvironments(entityRef);
      seen.push({
        loading: state.loading,
        versions: state.value?.environments.map(e => e.version ?? ''),
      });
      return state;
    },
    {
      wrapper: ({ children }: { children: ReactNode }) => (
        <TestApiProvider
          apis={[
            [gitopsPromotionApiRef, api],
            ...(signals ? [[signalApiRef, signals] as const] : []),
          ]}
        >
          {children}
        </TestApiProvider>
      ),
    },
  );
  return { ...rendered, seen };
}

/** The pipeline after prod-eu moved to 2.6.1. */
function promoted() {
  return {
    entityRef,
    service: 'checkout',
    environments: pipeline().map(e =>
      e.name === 'prod-eu' ? { ...e, version: '2.6.1' } : e,
    ),
  };
}

describe('useEnvironments', () => {
  it('loads the environments of the entity and reloads on retry', async () => {
    const api = mockGitopsPromotionApi();
    const { result } = renderEnvironments(api);
    expect(result.current.loading).toBe(true);
    await waitFor(() =>
      expect(result.current.value?.environments).toHaveLength(4),
    );
    expect(api.getEnvironments).toHaveBeenCalledWith(entityRef);
    act(() => result.current.retry());
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(api.getEnvironments).toHaveBeenCalledTimes(2);
  });

  it('loads again on a signal about its service, showing the environments all along', async () => {
    const api = mockGitopsPromotionApi();
    const signals = mockSignalApi();
    const { result, seen } = renderEnvironments(api, signals);
    await waitFor(() => expect(result.current.value).toBeDefined());
    api.getEnvironments.mockResolvedValue(promoted());
    const loaded = seen.length;

    act(() => signals.publish(statusChanged('checkout')));
    await waitFor(() =>
      expect(result.current.value?.environments[2].version).toBe('2.6.1'),
    );
    expect(api.getEnvironments).toHaveBeenCalledTimes(2);
    expect(
      seen.slice(loaded).map(s => s.loading || s.versions === undefined),
    ).not.toContain(true);
  });

  it('does not load again on a signal about another service', async () => {
    const api = mockGitopsPromotionApi();
    const signals = mockSignalApi();
    const { result } = renderEnvironments(api, signals);
    await waitFor(() => expect(result.current.value).toBeDefined());
    act(() => signals.publish(statusChanged('cart')));
    await act(() => Promise.resolve());
    expect(api.getEnvironments).toHaveBeenCalledTimes(1);
  });

  it('keeps the environments and reports the error when loading again fails', async () => {
    const api = mockGitopsPromotionApi();
    const signals = mockSignalApi();
    const { result } = renderEnvironments(api, signals);
    await waitFor(() => expect(result.current.value).toBeDefined());
    api.getEnvironments.mockRejectedValueOnce(new Error('network down'));

    act(() => signals.publish(statusChanged('checkout')));
    await waitFor(() =>
      expect(result.current.error?.message).toBe('network down'),
    );
    expect(result.current.value?.environments).toHaveLength(4);
  });
});
