import {
  DependencyList,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';
import { coalesce } from './coalesce';

interface Loaded<T> {
  value?: T;
  /** The last attempt's error; the last value stays. */
  error?: Error;
  /** A load someone waits to see: the first one, or one asked by `retry`. */
  loading: boolean;
}

/**
 * `load`ed on mount and when `deps` change, like react-use's useAsyncRetry,
 * and again on `refetch` without showing it: the value stays and `loading`
 * is not set. A failed load keeps the last value. Loads never overlap: asks
 * during one make one more after it.
 */
export function useRefetchable<T>(
  load: () => Promise<T>,
  deps: DependencyList,
) {
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  const ask = useRef<{ retry(): void; refetch(): void }>();

  useEffect(() => {
    let current = true;
    let retries = 0;
    let answered = 0;
    const run = coalesce(async () => {
      const answers = retries;
      let result: Partial<Loaded<T>>;
      try {
        result = { value: await load(), error: undefined };
      } catch (error) {
        result = { error: error as Error };
      }
      answered = answers;
      if (current) {
        setState(prev => ({ ...prev, ...result, loading: retries > answered }));
      }
    });
    ask.current = {
      retry() {
        retries += 1;
        setState(prev => (prev.loading ? prev : { ...prev, loading: true }));
        run();
      },
      refetch() {
        run();
      },
    };
    ask.current.retry();
    return () => {
      current = false;
    };
    // deps are the caller's, as with useEffect
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const retry = useCallback(() => ask.current?.retry(), []);
  const refetch = useCallback(() => ask.current?.refetch(), []);
  return { ...state, retry, refetch };
}
