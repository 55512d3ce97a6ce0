import {
  Box,
  Button,
  Chip,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  makeStyles,
  Theme,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import CallMergeIcon from '@material-ui/icons/CallMerge';
import HistoryIcon from '@material-ui/icons/History';
import PublishIcon from '@material-ui/icons/Publish';
import {
  EnvironmentView,
  PromotionRecord,
  PromotionRequest,
  PromotionTargetPreview,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { ReactNode, useEffect, useMemo, useRef } from 'react';
import { usePromote, usePromotionPreview } from '../../hooks';
import { DiffView } from '../DiffView';
import { VerdictList } from './VerdictList';
import { TrackedPromotion } from '../PromotionProgress';
import {
  RetainedDialog,
  RetryAlert,
  SubmitErrorAlert,
  describeError,
  newIdempotencyKey,
  shortSha,
  useInitialFocus,
} from '../shared';

/** What the dialog is asked to do. */
export type PromoteDialogRequest =
  | { kind: 'promote'; source: EnvironmentView; target: EnvironmentView }
  | {
      kind: 'rollback';
      target: EnvironmentView;
      /** Every value of the bundle to go back to, in bundle order. */
      versions: string[];
      /** The commit that introduced them, for the reader. */
      commitSha?: string;
    };

/** Every value of a bundle, as one line. */
function bundleText(values: Array<string | undefined>) {
  return values.length === 0
    ? 'not set'
    : values.map(v => v ?? 'not set').join(', ');
}

/** What the target runs now: every value of its bundle. */
function currentText(target: EnvironmentView) {
  return target.values.length > 0
    ? bundleText(target.values.map(v => v.value))
    : target.version ?? 'not set';
}

const useStyles = makeStyles((theme: Theme) => ({
  title: {
    paddingBottom: theme.spacing(1),
  },
  fromTo: {
    display: 'grid',
    gridTemplateColumns: '1fr auto 1fr',
    alignItems: 'stretch',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(3),
  },
  endpoint: {
    padding: theme.spacing(1.5, 2),
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${theme.palette.divider}`,
    backgroundColor: theme.palette.background.default,
  },
  arrow: {
    alignSelf: 'center',
    color: theme.palette.text.secondary,
  },
  version: {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: '1.125rem',
    fontWeight: 600,
  },
  columns: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)',
    columnGap: theme.spacing(3),
    alignItems: 'start',
    [theme.breakpoints.down('sm')]: {
      gridTemplateColumns: 'minmax(0, 1fr)',
    },
  },
  section: {
    marginTop: theme.spacing(3),
    '$columns > div > &:first-child': {
      marginTop: 0,
    },
  },
  sectionTitle: {
    marginBottom: theme.spacing(1),
    fontWeight: 600,
  },
  edits: {
    margin: theme.spacing(0, 0, 1),
    paddingLeft: theme.spacing(2.5),
    '& code': {
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    },
  },
  mode: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  actions: {
    padding: theme.spacing(1.5, 3, 2),
    gap: theme.spacing(1),
  },
  reason: {
    marginRight: 'auto',
    color: theme.palette.text.secondary,
  },
}));

function Section(props: { title: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <section className={classes.section} aria-label={props.title}>
      <Typography
        variant="subtitle2"
        component="h3"
        className={classes.sectionTitle}
      >
        {props.title}
      </Typography>
      {props.children}
    </section>
  );
}

function ModeInfo(props: { preview: PromotionTargetPreview }) {
  const { preview } = props;
  const classes = useStyles();
  const pr = preview.mode === 'pull-request';
  return (
    <div className={classes.mode}>
      <Chip
        size="small"
        color="primary"
        variant="outlined"
        icon={pr ? <CallMergeIcon /> : <PublishIcon />}
        label={pr ? 'Pull request' : 'Direct commit'}
      />
      <Typography variant="body2" color="textSecondary">
        {pr
          ? 'A pull request is opened; the change deploys once it is merged.'
          : 'Committed straight to the environment branch.'}{' '}
        Set by the environment's policy. Based on commit{' '}
        <span title={preview.baseCommit}>{shortSha(preview.baseCommit)}</span>.
      </Typography>
    </div>
  );
}

function FromTo(props: {
  request: PromoteDialogRequest;
  preview?: PromotionTargetPreview;
}) {
  const { request, preview } = props;
  const classes = useStyles();
  const { target } = request;
  // The preview's versions once it is there: what a confirm writes.
  const from =
    request.kind === 'promote'
      ? (preview && bundleText(preview.versions)) ?? request.source.version
      : currentText(target);
  const next =
    request.kind === 'promote'
      ? (preview && bundleText(preview.versions)) ?? request.source.version
      : bundleText(request.versions);
  return (
    <div className={classes.fromTo}>
      <div className={classes.endpoint} aria-label="From">
        <Typography variant="overline" color="textSecondary">
          {request.kind === 'promote' ? 'From' : 'Currently'}
        </Typography>
        <Typography variant="subtitle1">
          {request.kind === 'promote'
            ? request.source.title
            : request.target.title}
        </Typography>
        <Typography className={classes.version}>{from ?? 'not set'}</Typography>
      </div>
      {request.kind === 'promote' ? (
        <ArrowForwardIcon className={classes.arrow} titleAccess="to" />
      ) : (
        <HistoryIcon className={classes.arrow} titleAccess="back to" />
      )}
      <div className={classes.endpoint} aria-label="To">
        <Typography variant="overline" color="textSecondary">
          {request.kind === 'promote' ? 'To' : 'Roll back to'}
        </Typography>
        <Typography variant="subtitle1">{target.title}</Typography>
        <Typography className={classes.version}>
          {request.kind === 'promote' && (
            <Typography component="span" color="textSecondary">
              {currentText(target)} →{' '}
            </Typography>
          )}
          {next ?? 'not set'}
        </Typography>
        {request.kind === 'rollback' && request.commitSha && (
          <Typography variant="caption" color="textSecondary">
            as of commit {shortSha(request.commitSha)}
          </Typography>
        )}
      </div>
    </div>
  );
}

function PromoteDialogBody(props: {
  entityRef: string;
  request: PromoteDialogRequest;
  onClose: () => void;
  onPromoted?: (promotion: PromotionRecord) => void;
}) {
  const { entityRef, request, onClose, onPromoted } = props;
  const classes = useStyles();
  const { target } = request;
  const preview = usePromotionPreview(
    request.kind === 'promote'
      ? { entityRef, source: request.source.name, targets: [target.name] }
      : { entityRef, targets: [target.name], versions: request.versions },
  );
  const submit = usePromote();
  // Cancel first; Close once the promotion is under way.
  const initialFocus = useInitialFocus<HTMLButtonElement>(submit.value?.id);
  // One key per preview: a double click or a retry of its confirm makes one
  // commit; a refreshed preview is a new promotion with a new key.
  const idempotencyKey = useMemo(() => newIdempotencyKey(), [preview.value]); // eslint-disable-line react-hooks/exhaustive-deps
  // Refreshing removes the button that had focus: once the new preview is
  // there, focus its confirm button (Cancel when it cannot be confirmed).
  const confirmRef = useRef<HTMLButtonElement>(null);
  const refreshing = useRef<{ from?: PromotionTargetPreview }>();
  useEffect(() => {
    const pending = refreshing.current;
    if (!pending || preview.loading) return;
    if (preview.value === pending.from && !preview.error) return;
    refreshing.current = undefined;
    const button = confirmRef.current;
    (button && !button.disabled ? button : initialFocus.current)?.focus();
  }, [preview.value, preview.error, preview.loading, initialFocus]);
  const reported = useRef<string>();
  useEffect(() => {
    if (submit.value && reported.current !== submit.value.id) {
      reported.current = submit.value.id;
      onPromoted?.(submit.value);
    }
  }, [submit.value, onPromoted]);

  const service = entityRef.replace(/^[^:]+:(default\/)?/, '');
  const title =
    request.kind === 'promote'
      ? `Promote ${service} to ${target.title}`
      : `Roll back ${service} in ${target.title}`;

  if (submit.value) {
    return (
      <>
        <DialogTitle id="promote-dialog-title" className={classes.title}>
          {title}
        </DialogTitle>
        <DialogContent>
          <TrackedPromotion
            id={submit.value.id}
            initial={submit.value}
            targetTitle={target.title}
          />
          <Typography
            variant="body2"
            color="textSecondary"
            style={{ marginTop: 16 }}
          >
            You can close this dialog: the progress stays on the Environments
            tab until the promotion is deployed.
          </Typography>
        </DialogContent>
        <DialogActions className={classes.actions}>
          <Button
            onClick={onClose}
            color="primary"
            variant="contained"
            ref={initialFocus}
            disableFocusRipple
          >
            Close
          </Button>
        </DialogActions>
      </>
    );
  }

  const value = preview.value;
  const nothingToDo = value !== undefined && value.edits.length === 0;
  const outdated =
    submit.error !== undefined && describeError(submit.error).status === 409;
  let blocked: string | undefined;
  if (preview.loading) blocked = 'Computing the change…';
  else if (preview.error) blocked = 'The change could not be computed.';
  else if (outdated)
    blocked = 'Nothing was committed: refresh the preview first.';
  else if (nothingToDo) blocked = `${target.title} already runs this version.`;
  else if (value && !value.allowed)
    blocked = 'A check failed: see the reasons above.';
  const confirmLabel =
    request.kind === 'promote'
      ? `Promote${value ? ` ${bundleText(value.versions)}` : ''} to ${
          target.title
        }`
      : `Roll back ${target.title} to ${bundleText(request.versions)}`;

  // The confirm writes exactly what the preview showed: its versions, read
  // at its commits. Should anything move meanwhile, the backend writes
  // nothing and answers 409.
  const confirm = () => {
    if (!value) return;
    const body: PromotionRequest =
      request.kind === 'promote'
        ? {
            entityRef,
            source: request.source.name,
            target: target.name,
            versions: value.versions,
            baseCommit: value.baseCommit,
            sourceCommit: value.sourceCommit,
          }
        : {
            entityRef,
            kind: 'rollback',
            target: target.name,
            versions: value.versions,
            baseCommit: value.baseCommit,
          };
    submit.promote(body, idempotencyKey);
  };

  return (
    <>
      <DialogTitle id="promote-dialog-title" className={classes.title}>
        {title}
      </DialogTitle>
      <DialogContent dividers>
        <FromTo request={request} preview={value} />
        {preview.loading && (
          <Box role="status" aria-label="Computing the change">
            <LinearProgress />
          </Box>
        )}
        {preview.error && (
          <RetryAlert
            title="The preview failed"
            error={preview.error}
            onRetry={preview.retry}
          />
        )}
        {value && (
          <div className={classes.columns}>
            <div>
              <Section title="Change">
                {nothingToDo ? (
                  <Alert severity="info">
                    {target.title} already runs these versions: there is nothing
                    to commit.
                  </Alert>
                ) : (
                  <>
                    <ul className={classes.edits}>
                      {value.edits.map(edit => (
                        <li key={`${edit.path}#${edit.key}`}>
                          <Typography variant="body2">
                            <code>{edit.path}</code>: <code>{edit.key}</code>{' '}
                            {edit.from ?? 'unset'} → <strong>{edit.to}</strong>
                          </Typography>
                        </li>
                      ))}
                    </ul>
                    <DiffView
                      diff={value.diff}
                      label="Diff that will be committed"
                    />
                  </>
                )}
              </Section>
              <Section title="How it is written">
                <ModeInfo preview={value} />
              </Section>
            </div>
            <div>
              <Section title="Checks">
                <VerdictList verdicts={value.verdicts} />
              </Section>
            </div>
          </div>
        )}
        {submit.error && (
          <Box mt={3}>
            <SubmitErrorAlert
              error={submit.error}
              subject="the change"
              failedTitle="The promotion failed"
              onRefresh={() => {
                refreshing.current = { from: preview.value };
                submit.reset();
                preview.retry();
              }}
            />
          </Box>
        )}
      </DialogContent>
      <DialogActions className={classes.actions}>
        {blocked && !preview.loading && (
          <Typography
            variant="body2"
            id="promote-dialog-blocked"
            className={classes.reason}
          >
            {blocked}
          </Typography>
        )}
        <Button onClick={onClose} ref={initialFocus} disableFocusRipple>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={confirm}
          ref={confirmRef}
          disabled={Boolean(blocked) || submit.loading}
          aria-describedby={blocked ? 'promote-dialog-blocked' : undefined}
        >
          {submit.loading ? 'Promoting…' : confirmLabel}
        </Button>
      </DialogActions>
    </>
  );
}

/**
 * Promote (or roll back) with a preview: from → to, the exact diff, every
 * policy check with its reason, the write mode, and a confirm button. After
 * confirming it follows the promotion live. Server refusals (403) and
 * conflicts (409, with a preview refresh) are shown in place.
 */
export function PromoteDialog(props: {
  entityRef: string;
  request?: PromoteDialogRequest;
  onClose: () => void;
  onPromoted?: (promotion: PromotionRecord) => void;
}) {
  const { entityRef, request, onClose, onPromoted } = props;
  return (
    <RetainedDialog
      value={request}
      onClose={onClose}
      titleId="promote-dialog-title"
    >
      {shown => (
        <PromoteDialogBody
          key={`${shown.kind}:${shown.target.name}`}
          entityRef={entityRef}
          request={shown}
          onClose={onClose}
          onPromoted={onPromoted}
        />
      )}
    </RetainedDialog>
  );
}
