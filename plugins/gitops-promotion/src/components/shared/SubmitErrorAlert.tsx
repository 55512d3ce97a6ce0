import { Alert, AlertTitle } from '@material-ui/lab';
import { ConflictAlert } from './ConflictAlert';
import { describeError } from './errors';

/**
 * Why a confirm failed: a conflict (409) offers a preview refresh, a refusal
 * (403) says it is not allowed, anything else is the failure's message.
 */
export function SubmitErrorAlert(props: {
  error: Error;
  /** What the preview showed, e.g. "the change" or "the train". */
  subject: string;
  /** The title of any other failure, e.g. "The promotion failed". */
  failedTitle: string;
  onRefresh: () => void;
}) {
  const { status, message } = describeError(props.error);
  if (status === 409) {
    return (
      <ConflictAlert
        error={props.error}
        message={message}
        subject={props.subject}
        onRefresh={props.onRefresh}
      />
    );
  }
  return (
    <WriteErrorAlert error={props.error} failedTitle={props.failedTitle} />
  );
}

/**
 * Why a write failed: a refusal (403) says it is not allowed, anything else
 * is titled `failedTitle`; the message is the backend's.
 */
export function WriteErrorAlert(props: { error: Error; failedTitle: string }) {
  const { status, message } = describeError(props.error);
  return (
    <Alert severity="error" role="alert">
      <AlertTitle>
        {status === 403 ? 'Not allowed' : props.failedTitle}
      </AlertTitle>
      {message}
    </Alert>
  );
}
