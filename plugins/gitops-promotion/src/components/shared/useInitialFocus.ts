import { useEffect, useRef } from 'react';

/**
 * A ref for the element a dialog focuses when its content mounts, and again
 * when `key` changes (instead of the `autoFocus` prop). MUI's focus trap
 * keeps focus that is already inside the dialog. Give a MUI button
 * `disableFocusRipple`: focused while mounting, its ripple is not ready yet.
 */
export function useInitialFocus<T extends HTMLElement>(key?: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [key]);
  return ref;
}
