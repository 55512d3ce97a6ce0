import { DependencyList, useCallback, useRef, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';

/**
 * `useAsyncFn` for a write a person confirms: `state` is the last call's
 * (loading, value or error) until `reset` clears it (e.g. once a stale
 * preview was refreshed) or the next call starts.
 */
export function useSubmit<Args extends unknown[], T>(
  write: (...args: Args) => Promise<T>,
  deps: DependencyList,
) {
  const [state, submit] = useAsyncFn(write, deps);
  const current = useRef(state);
  current.current = state;
  const [cleared, setCleared] = useState<typeof state>();
  const reset = useCallback(() => setCleared(current.current), []);
  return {
    state: state === cleared ? { loading: false as const } : state,
    submit,
    reset,
  };
}
