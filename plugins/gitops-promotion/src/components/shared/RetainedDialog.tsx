import { Dialog, DialogProps } from '@material-ui/core';
import { ReactNode } from 'react';
import { useRetained } from './useRetained';

/**
 * A dialog (large unless told), open while `value` is set. While it closes it keeps
 * rendering the last value, so the content does not vanish mid-animation.
 */
export function RetainedDialog<T>(props: {
  value?: T;
  onClose: () => void;
  /** The id of the dialog's title, which names the dialog for screen readers. */
  titleId: string;
  maxWidth?: DialogProps['maxWidth'];
  children: (shown: T) => ReactNode;
}) {
  const { value, onClose, titleId, maxWidth = 'lg', children } = props;
  const shown = useRetained(value);
  return (
    <Dialog
      open={Boolean(value)}
      onClose={onClose}
      maxWidth={maxWidth}
      fullWidth
      aria-labelledby={titleId}
    >
      {shown && children(shown)}
    </Dialog>
  );
}
