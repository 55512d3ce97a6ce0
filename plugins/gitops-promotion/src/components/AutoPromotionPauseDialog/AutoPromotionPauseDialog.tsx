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
  RelativeTime,
  RetainedDialog,
  RetryAlert,
  shortRef,
  titleOf,
  useInitialFocus,
  WriteErrorAlert,
} from '../shared';

/**
 * Pausing or resuming automatic promotion into `environment`: of the dialog's
 * service, or with `everyService` of every service (the whole environment).
 * An environment of the Environments tab or a column of the matrix.
 */
export interface AutoPromotionPauseDialogRequest {
  action: AutoPromotionPauseAction;
  environment: Pick<EnvironmentView, 'name' | 'title' | 'gates'>;
  /** Every environment, for the titles of the upstreams. */
  environments: Array<Pick<EnvironmentView, 'name' | 'title'>>;
  /** The whole environment: every service, not the dialog's one. */
  everyService?: boolean;
}

/** The service the dialog is about; none for a request of every service. */
interface ServiceOf {
  entityRef: string;
  service: string;
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
  /** None: every service. */
  of?: ServiceOf;
  request: AutoPromotionPauseDialogRequest;
  onClose: () => void;
  onDone: () => void;
}) {
  const { of, request, onClose, onDone } = props;
  const classes = useStyles();
  const { environment } = request;
  const [reason, setReason] = useState('');
  const submit = usePauseAutoPromotion();
  const reasonField = useInitialFocus<HTMLInputElement>();
  useOnDone(submit.value, onDone);
  const confirm = () => {
    const text = reason.trim();
    submit.pause({
      ...(of && { entityRef: of.entityRef }),
      environment: environment.name,
      ...(text && { reason: text }),
    });
  };
  return (
    <>
      <DialogTitle id="auto-promotion-dialog-title">
        {of
          ? `Pause auto-promotion of ${of.service} into ${environment.title}`
          : `Pause auto-promotion into ${environment.title} for every service`}
      </DialogTitle>
      <DialogContent dividers className={classes.content}>
        <Typography variant="body2">
          {of
            ? `Versions of ${of.service} are no longer promoted`
            : 'No service is promoted any more'}{' '}
          from {upstreamsText(request)} into {environment.title} automatically
          until someone resumes. Promoting by hand still works.
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
          <WriteErrorAlert error={submit.error} failedTitle="Pausing failed" />
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
 * The pause that stops automatic promotion into the environment. Of a
 * service: its own there, else the service's everywhere (a pause of the whole
 * environment is not the service's to lift). Of every service: the
 * environment's, which names no service.
 */
function pauseOf(
  pauses: AutoPromotionPause[],
  of: ServiceOf | undefined,
  environment: string,
) {
  if (!of) {
    return pauses.find(p => !p.entityRef && p.environment === environment);
  }
  return (
    pauses.find(
      p => p.entityRef === of.entityRef && p.environment === environment,
    ) ?? pauses.find(p => p.entityRef === of.entityRef && !p.environment)
  );
}

function PauseDescription(props: {
  pause: AutoPromotionPause;
  service?: string;
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
  /** None: every service. */
  of?: ServiceOf;
  request: AutoPromotionPauseDialogRequest;
  onClose: () => void;
  onDone: () => void;
}) {
  const { of, request, onClose, onDone } = props;
  const classes = useStyles();
  const { environment } = request;
  const pauses = useAutoPromotionPauses();
  const submit = useResumeAutoPromotion();
  const cancel = useInitialFocus<HTMLButtonElement>();
  useOnDone(submit.value, onDone);
  const pause = pauses.value
    ? pauseOf(pauses.value, of, environment.name)
    : undefined;
  const confirm = () =>
    // A service's pause found is lifted as it is (here or everywhere); else
    // the one meant here (404 says if none). The environment's names no service.
    submit.resume(
      of && pause
        ? { entityRef: pause.entityRef, environment: pause.environment }
        : {
            ...(of && { entityRef: of.entityRef }),
            environment: environment.name,
          },
    );
  return (
    <>
      <DialogTitle id="auto-promotion-dialog-title">
        {of
          ? `Resume auto-promotion of ${of.service} into ${environment.title}`
          : `Resume auto-promotion into ${environment.title} for every service`}
      </DialogTitle>
      <DialogContent dividers className={classes.content}>
        <Typography variant="body2">
          {of ? `Versions of ${of.service} are` : 'Services are'} promoted from{' '}
          {upstreamsText(request)} into {environment.title} automatically again,
          once they pass every gate.
          {!of && ' A service paused on its own stays paused.'}
        </Typography>
        {pauses.loading && <LinearProgress aria-label="Loading the pause" />}
        {pauses.error && (
          <RetryAlert
            title="The pause could not be read"
            error={pauses.error}
            onRetry={pauses.retry}
          />
        )}
        {pause && <PauseDescription pause={pause} service={of?.service} />}
        {!of && pauses.value && !pause && (
          <Typography variant="body2" color="textSecondary">
            No pause of {environment.title} for every service was found: it may
            have been resumed already.
          </Typography>
        )}
        {submit.error && (
          <WriteErrorAlert error={submit.error} failedTitle="Resuming failed" />
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
 * Pause (with an optional reason) or resume automatic promotion into one
 * environment: of the service given (the Environments tab), or of every
 * service for a request with `everyService` (the matrix, which gives no
 * service). `onDone` is called once the backend agreed.
 */
export function AutoPromotionPauseDialog(
  props: {
    onClose: () => void;
    onDone: () => void;
  } & (
    | {
        entityRef: string;
        service: string;
        request?: AutoPromotionPauseDialogRequest;
      }
    | {
        entityRef?: undefined;
        service?: undefined;
        request?: AutoPromotionPauseDialogRequest & { everyService: true };
      }
  ),
) {
  const { request, onClose, onDone, entityRef, service } = props;
  return (
    <RetainedDialog
      value={request}
      onClose={onClose}
      titleId="auto-promotion-dialog-title"
      maxWidth="sm"
    >
      {shown => {
        // Every service only when asked: never for want of a service.
        const of = shown.everyService
          ? undefined
          : { entityRef: entityRef!, service: service! };
        const key = `${shown.action}:${shown.environment.name}:${
          of?.entityRef ?? '*'
        }`;
        return shown.action === 'pause' ? (
          <PauseBody
            key={key}
            of={of}
            request={shown}
            onClose={onClose}
            onDone={onDone}
          />
        ) : (
          <ResumeBody
            key={key}
            of={of}
            request={shown}
            onClose={onClose}
            onDone={onDone}
          />
        );
      }}
    </RetainedDialog>
  );
}
