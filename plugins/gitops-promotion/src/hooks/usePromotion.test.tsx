import { TestApiProvider } from '@backstage/frontend-test-utils';
import { renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import {
  mockGitopsPromotionApi,
  promotion,
  responseError,
} from '../__testUtils__/fixtures';
import { gitopsPromotionApiRef } from '../api';
import { usePromotion } from './usePromotion';

function wrapper(api: ReturnType<typeof mockGitopsPromotionApi>) {
  return ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[gitopsPromotionApiRef, api]]}>
      {children}
    </TestApiProvider>
  );
}

describe('usePromotion', () => {
  it('polls until the promotion reaches a final state, then stops', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'committed' }))
      .mockResolvedValueOnce(promotion({ state: 'syncing' }))
      .mockResolvedValue(promotion({ state: 'deployed' }));
    const { result } = renderHook(
      () => usePromotion(promotion().id, { intervalMs: 10 }),
      { wrapper: wrapper(api) },
    );
    await waitFor(() =>
      expect(result.current.promotion?.state).toBe('deployed'),
    );
    expect(result.current.done).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(api.getPromotion).toHaveBeenCalledTimes(3);
  });

  it('keeps the last state and retries after a failed request', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'syncing' }))
      .mockRejectedValueOnce(new Error('network down'))
      .mockResolvedValue(promotion({ state: 'deployed' }));
    const { result } = renderHook(
      () => usePromotion(promotion().id, { intervalMs: 10 }),
      { wrapper: wrapper(api) },
    );
    await waitFor(() => expect(result.current.done).toBe(true));
    expect(result.current.error).toBeUndefined();
    expect(api.getPromotion).toHaveBeenCalledTimes(3);
  });

  it('stops on 404', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion.mockRejectedValue(
      await responseError(404, 'No promotion 6f1c'),
    );
    const { result } = renderHook(
      () => usePromotion(promotion().id, { intervalMs: 10 }),
      { wrapper: wrapper(api) },
    );
    await waitFor(() => expect(result.current.error).toBeDefined());
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(api.getPromotion).toHaveBeenCalledTimes(1);
    expect(result.current.promotion).toBeUndefined();
  });

  it('is one poll however many components follow the same promotion', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'committed' }))
      .mockResolvedValueOnce(promotion({ state: 'syncing' }))
      .mockResolvedValue(promotion({ state: 'deployed' }));
    const { result } = renderHook(
      () => [
        usePromotion(promotion().id, { intervalMs: 10 }),
        usePromotion(promotion().id, { intervalMs: 10 }),
      ],
      { wrapper: wrapper(api) },
    );
    await waitFor(() =>
      expect(result.current.map(r => r.promotion?.state)).toEqual([
        'deployed',
        'deployed',
      ]),
    );
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(api.getPromotion).toHaveBeenCalledTimes(3);
  });
});
