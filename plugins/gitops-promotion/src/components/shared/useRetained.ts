import { useRef } from 'react';

/**
 * The value, or while it is undefined the last defined one: a dialog keeps
 * showing its content while it fades out after being closed.
 */
export function useRetained<T>(value: T | undefined): T | undefined {
  const last = useRef(value);
  if (value !== undefined) last.current = value;
  return value ?? last.current;
}
