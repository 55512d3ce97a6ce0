import {
  Button,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  makeStyles,
  TextField,
  Theme,
  Typography,
} from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import {
  AutoPromotionPause,
  EnvironmentView,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useEffect, useRef, useState } from 'react';
import {
  useAutoPromotionPauses,
  usePauseAutoPromotion,
  useResumeAutoPromotion,
} from '../../hooks';
import { AutoPromotionPauseAction } from '../EnvironmentCard';
import {
  describeError,
  RelativeTime,
  RetainedDialog,
  RetryAlert,
  shortRef,
  titleOf,
  useInitialFocus,
} from '../shared';

/** Pausing or resuming automatic promotion of the service into `environment`. */
export interface AutoPromotionPauseDialogRequest {
  action: AutoPromotionPauseAction;
  environment: EnvironmentView;
  environments: EnvironmentView[];
}

const REASON_MAX_LENGTH = 500;

const useStyles = makeStyles((theme: Theme) => ({
  content: {
    display: 'grid',
    gap: theme.spacing(2),
  },
  actions: {
    padding: theme.spacing(1.5, 3, 2),
    gap: theme.spacing(1),
  },
}));

function WriteError(props: { error: Error; failedTitle: string }) {
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

/** The upstreams the environment is promoted from automatically. */
function upstreamsText(request: AutoPromotionPauseDialogRequest) {
  return (request.environment.gates?.autoPromotesFrom ?? [])
    .map(edge => titleOf(request.environments, edge.environment))
    .join(' or ');
}

/** Calls `onDone` once per answer of the write. */
function useOnDone(value: unknown, onDone: () => void) {
  const reported = useRef<unknown>();
  useEffect(() => {
    if (value && reported.current !== value) {
      reported.current = value;
      onDone();
    }
  }, [value, onDone]);
}

function PauseBody(props: {
  entityRef: string;
  service: string;
  request: AutoPromotionPauseDialogRequest;
  onClose: () => void;
  onDone: () => void;
}) {
  const { entityRef, service, request, onClose, onDone } = props;
  const classes = useStyles();
  const { environment } = request;
  const [reason, setReason] = useState('');
  const submit = usePauseAutoPromotion();
  const reasonField = useInitialFocus<HTMLInputElement>();
  useOnDone(submit.value, onDone);
  const confirm = () => {
    const text = reason.trim();
    submit.pause({
      entityRef,
      environment: environment.name,
      ...(text && { reason: text }),
    });
  };
  return (
    <>
      <DialogTitle id="auto-promotion-dialog-title">
        Pause auto-promotion of {service} into {environment.title}
      </DialogTitle>
      <DialogContent dividers className={classes.content}>
        <Typography variant="body2">
          Versions of {service} are no longer promoted from{' '}
          {upstreamsText(request)} into {environment.title} automatically until
          someone resumes. Promoting by hand still works.
        </Typography>
        <TextField
          id="auto-promotion-dialog-reason"
          label="Reason"
          variant="outlined"
          fullWidth
          value={reason}
          onChange={e => setReason(e.target.value)}
          inputRef={reasonField}
          inputProps={{ maxLength: REASON_MAX_LENGTH }}
          helperText="Optional; shown to whoever looks at the pause."
        />
        {submit.error && (
          <WriteError error={submit.error} failedTitle="Pausing failed" />
        )}
      </DialogContent>
      <DialogActions className={classes.actions}>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          color="primary"
          onClick={confirm}
          disabled={submit.loading}
        >
          {submit.loading ? 'Pausing…' : 'Pause auto-promotion'}
        </Button>
      </DialogActions>
    </>
  );
}

/**
 * The pause that stops automatic promotion of the service into the
 * environment: its own there, else the service's everywhere. A pause of the
 * whole environment is not the service's to lift.
 */
function pauseOf(
  pauses: AutoPromotionPause[],
  entityRef: string,
  environment: string,
) {
  return (
    pauses.find(
      p => p.entityRef === entityRef && p.environment === environment,
    ) ?? pauses.find(p => p.entityRef === entityRef && !p.environment)
  );
}

function PauseDescription(props: {
  pause: AutoPromotionPause;
  service: string;
}) {
  const { pause, service } = props;
  return (
    <Typography variant="body2">
      Paused by {shortRef(pause.pausedBy)}{' '}
      <RelativeTime value={pause.pausedAt} />
      {pause.reason ? `: “${pause.reason}”` : '.'}
      {!pause.environment &&
        ` The pause covers every environment ${service} is promoted into automatically: resuming resumes them all.`}
    </Typography>
  );
}

function ResumeBody(props: {
  entityRef: string;
  service: string;
  request: AutoPromotionPauseDialogRequest;
  onClose: () => void;
  onDone: () => void;
}) {
  const { entityRef, service, request, onClose, onDone } = props;
  const classes = useStyles();
  const { environment } = request;
  const pauses = useAutoPromotionPauses();
  const submit = useResumeAutoPromotion();
  const cancel = useInitialFocus<HTMLButtonElement>();
  useOnDone(submit.value, onDone);
  const pause = pauses.value
    ? pauseOf(pauses.value, entityRef, environment.name)
    : undefined;
  const confirm = () =>
    // Without a pause found, the one of the service here: 404 says if none.
    submit.resume(
      pause
        ? { entityRef: pause.entityRef, environment: pause.environment }
        : { entityRef, environment: environment.name },
    );
  return (
    <>
      <DialogTitle id="auto-promotion-dialog-title">
        Resume auto-promotion of {service} into {environment.title}
      </DialogTitle>
      <DialogContent dividers className={classes.content}>
        <Typography variant="body2">
          Versions of {service} are promoted from {upstreamsText(request)} into{' '}
          {environment.title} automatically again, once they pass every gate.
        </Typography>
        {pauses.loading && <LinearProgress aria-label="Loading the pause" />}
        {pauses.error && (
          <RetryAlert
            title="The pause could not be read"
            error={pauses.error}
            onRetry={pauses.retry}
          />
        )}
        {pause && <PauseDescription pause={pause} service={service} />}
        {submit.error && (
          <WriteError error={submit.error} failedTitle="Resuming failed" />
        )}
      </DialogContent>
      <DialogActions className={classes.actions}>
        <Button onClick={onClose} ref={cancel} disableFocusRipple>
          Cancel
        </Button>
        <Button
          variant="contained"
          color="primary"
          onClick={confirm}
          disabled={pauses.loading || submit.loading}
        >
          {submit.loading ? 'Resuming…' : 'Resume auto-promotion'}
        </Button>
      </DialogActions>
    </>
  );
}

/**
 * Pause (with an optional reason) or resume automatic promotion of one
 * service into one environment. `onDone` is called once the backend agreed.
 */
export function AutoPromotionPauseDialog(props: {
  entityRef: string;
  service: string;
  request?: AutoPromotionPauseDialogRequest;
  onClose: () => void;
  onDone: () => void;
}) {
  const { request, onClose, ...rest } = props;
  return (
    <RetainedDialog
      value={request}
      onClose={onClose}
      titleId="auto-promotion-dialog-title"
      maxWidth="sm"
    >
      {shown =>
        shown.action === 'pause' ? (
          <PauseBody
            key={`pause:${shown.environment.name}`}
            request={shown}
            onClose={onClose}
            {...rest}
          />
        ) : (
          <ResumeBody
            key={`resume:${shown.environment.name}`}
            request={shown}
            onClose={onClose}
            {...rest}
          />
        )
      }
    </RetainedDialog>
  );
}
