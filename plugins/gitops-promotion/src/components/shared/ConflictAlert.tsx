import { Button } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import { useInitialFocus } from './useInitialFocus';

/**
 * A confirm refused with 409: the backend's message (what moved) and the way
 * on, a focused "Refresh preview" (the confirm button is disabled now).
 */
export function ConflictAlert(props: {
  error: Error;
  message: string;
  /** What the preview showed, e.g. "the change" or "the train". */
  subject: string;
  onRefresh: () => void;
}) {
  const refresh = useInitialFocus<HTMLButtonElement>(props.error);
  return (
    <Alert
      severity="warning"
      role="alert"
      action={
        <Button
          color="inherit"
          size="small"
          onClick={props.onRefresh}
          ref={refresh}
          disableFocusRipple
        >
          Refresh preview
        </Button>
      }
    >
      <AlertTitle>Conflict: nothing was committed</AlertTitle>
      {props.message} What you reviewed is no longer what would be written;
      refresh the preview to see {props.subject} as it would be made now, then
      confirm again.
    </Alert>
  );
}
