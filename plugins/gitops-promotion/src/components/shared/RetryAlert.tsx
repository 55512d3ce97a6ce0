import { Button } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import { describeError } from './errors';

/** A read that failed (a preview, a history): what went wrong and a Retry. */
export function RetryAlert(props: {
  title: string;
  error: Error;
  onRetry: () => void;
}) {
  return (
    <Alert
      severity="error"
      role="alert"
      action={
        <Button color="inherit" size="small" onClick={props.onRetry}>
          Retry
        </Button>
      }
    >
      <AlertTitle>{props.title}</AlertTitle>
      {describeError(props.error).message}
    </Alert>
  );
}
