import { TestApiProvider } from '@backstage/frontend-test-utils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import {
  mockGitopsPromotionApi,
  promotion,
  responseError,
} from '../__testUtils__/fixtures';
import { mockSignalApi, promotionMoved } from '../__testUtils__/signals';
import { gitopsPromotionApiRef } from '../api';
import { usePromotion } from './usePromotion';

function wrapper(
  api: ReturnType<typeof mockGitopsPromotionApi>,
  signals?: SignalApi,
) {
  return ({ children }: { children: ReactNode }) => (
    <TestApiProvider
      apis={[
        [gitopsPromotionApiRef, api],
        ...(signals ? [[signalApiRef, signals] as const] : []),
      ]}
    >
      {children}
    </TestApiProvider>
  );
}

const passSeconds = (seconds: number) =>
  act(() => jest.advanceTimersByTimeAsync(seconds * 1000));

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('usePromotion without signals', () => {
  it('asks every two seconds until the promotion reaches a final state, then stops', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'committed' }))
      .mockResolvedValueOnce(promotion({ state: 'syncing' }))
      .mockResolvedValue(promotion({ state: 'deployed' }));
    const { result } = renderHook(() => usePromotion(promotion().id), {
      wrapper: wrapper(api),
    });
    await waitFor(() =>
      expect(result.current.promotion?.state).toBe('committed'),
    );
    await passSeconds(2);
    expect(result.current.promotion?.state).toBe('syncing');
    await passSeconds(2);
    expect(result.current.promotion?.state).toBe('deployed');
    expect(result.current.done).toBe(true);
    await passSeconds(60);
    expect(api.getPromotion).toHaveBeenCalledTimes(3);
  });

  it('keeps the last state and retries after a failed request', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'syncing' }))
      .mockRejectedValueOnce(new Error('network down'))
      .mockResolvedValue(promotion({ state: 'deployed' }));
    const { result } = renderHook(() => usePromotion(promotion().id), {
      wrapper: wrapper(api),
    });
    await waitFor(() =>
      expect(result.current.promotion?.state).toBe('syncing'),
    );
    await passSeconds(2);
    expect(result.current.error?.message).toBe('network down');
    expect(result.current.promotion?.state).toBe('syncing');
    await passSeconds(2);
    expect(result.current.done).toBe(true);
    expect(result.current.error).toBeUndefined();
    expect(api.getPromotion).toHaveBeenCalledTimes(3);
  });

  it('stops on 404', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion.mockRejectedValue(
      await responseError(404, 'No promotion 6f1c'),
    );
    const { result } = renderHook(() => usePromotion(promotion().id), {
      wrapper: wrapper(api),
    });
    await waitFor(() => expect(result.current.error).toBeDefined());
    await passSeconds(60);
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
      () => [usePromotion(promotion().id), usePromotion(promotion().id)],
      { wrapper: wrapper(api) },
    );
    await passSeconds(4);
    expect(result.current.map(r => r.promotion?.state)).toEqual([
      'deployed',
      'deployed',
    ]);
    await passSeconds(60);
    expect(api.getPromotion).toHaveBeenCalledTimes(3);
  });
});

describe('usePromotion with signals', () => {
  it('asks once, then only when the promotion moves', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'committed' }))
      .mockResolvedValue(promotion({ state: 'syncing' }));
    const signals = mockSignalApi();
    const { result } = renderHook(() => usePromotion(promotion().id), {
      wrapper: wrapper(api, signals),
    });
    await waitFor(() =>
      expect(result.current.promotion?.state).toBe('committed'),
    );
    await passSeconds(10);
    expect(api.getPromotion).toHaveBeenCalledTimes(1);

    act(() => signals.publish(promotionMoved('syncing')));
    await waitFor(() =>
      expect(result.current.promotion?.state).toBe('syncing'),
    );
    expect(api.getPromotion).toHaveBeenCalledTimes(2);
  });

  it('does not ask when another promotion moves', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion.mockResolvedValue(promotion({ state: 'syncing' }));
    const signals = mockSignalApi();
    renderHook(() => usePromotion(promotion().id), {
      wrapper: wrapper(api, signals),
    });
    await waitFor(() => expect(api.getPromotion).toHaveBeenCalledTimes(1));
    act(() =>
      signals.publish(
        promotionMoved('deployed', { promotionId: 'another-promotion' }),
      ),
    );
    await passSeconds(10);
    expect(api.getPromotion).toHaveBeenCalledTimes(1);
  });

  it('asks every 30 seconds all the same, in case a signal was lost', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'syncing' }))
      .mockResolvedValue(promotion({ state: 'deployed' }));
    const { result } = renderHook(() => usePromotion(promotion().id), {
      wrapper: wrapper(api, mockSignalApi()),
    });
    await waitFor(() =>
      expect(result.current.promotion?.state).toBe('syncing'),
    );
    await passSeconds(29);
    expect(result.current.promotion?.state).toBe('syncing');
    await passSeconds(1);
    expect(result.current.promotion?.state).toBe('deployed');
    expect(api.getPromotion).toHaveBeenCalledTimes(2);
  });

  it('retries a failed request after two seconds, not 30', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockRejectedValueOnce(new Error('network down'))
      .mockResolvedValue(promotion({ state: 'syncing' }));
    const { result } = renderHook(() => usePromotion(promotion().id), {
      wrapper: wrapper(api, mockSignalApi()),
    });
    await waitFor(() => expect(result.current.error).toBeDefined());
    await passSeconds(2);
    expect(result.current.promotion?.state).toBe('syncing');
    expect(result.current.error).toBeUndefined();
  });

  it('stops asking once the promotion is final, whatever is signalled', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'syncing' }))
      .mockResolvedValue(promotion({ state: 'deployed' }));
    const signals = mockSignalApi();
    const { result } = renderHook(() => usePromotion(promotion().id), {
      wrapper: wrapper(api, signals),
    });
    await waitFor(() =>
      expect(result.current.promotion?.state).toBe('syncing'),
    );
    act(() => signals.publish(promotionMoved('deployed')));
    await waitFor(() => expect(result.current.done).toBe(true));
    act(() => signals.publish(promotionMoved('deployed')));
    await passSeconds(120);
    expect(api.getPromotion).toHaveBeenCalledTimes(2);
  });

  it('asks once per signal however many components follow the promotion', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'committed' }))
      .mockResolvedValue(promotion({ state: 'syncing' }));
    const signals = mockSignalApi();
    const { result } = renderHook(
      () => [usePromotion(promotion().id), usePromotion(promotion().id)],
      { wrapper: wrapper(api, signals) },
    );
    await waitFor(() => expect(api.getPromotion).toHaveBeenCalledTimes(1));
    act(() => signals.publish(promotionMoved('syncing')));
    await waitFor(() =>
      expect(result.current.map(r => r.promotion?.state)).toEqual([
        'syncing',
        'syncing',
      ]),
    );
    expect(api.getPromotion).toHaveBeenCalledTimes(2);
  });
});
