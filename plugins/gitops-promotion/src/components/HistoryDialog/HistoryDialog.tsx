import {
  Button,
  Chip,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Theme,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  EnvironmentHistoryEntry,
  EnvironmentView,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useEnvironmentHistory } from '../../hooks';
import {
  RelativeTime,
  RetainedDialog,
  describeError,
  shortSha,
  useInitialFocus,
} from '../shared';

const useStyles = makeStyles((theme: Theme) => ({
  mono: {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    whiteSpace: 'nowrap',
  },
  version: {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontWeight: 600,
    whiteSpace: 'nowrap',
  },
  muted: {
    color: theme.palette.text.secondary,
  },
  message: {
    maxWidth: 280,
  },
  action: {
    whiteSpace: 'nowrap',
    textAlign: 'right',
  },
}));

/** The environment's values now, in bundle order. */
function currentValues(environment: EnvironmentView) {
  return environment.values.length > 0
    ? environment.values.map(v => v.value)
    : [environment.version];
}

function sameValues(
  a: ReadonlyArray<string | undefined>,
  b: ReadonlyArray<string | undefined>,
) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Why the caller cannot roll back to `entry`, if they cannot. */
function rollbackBlocker(
  environment: EnvironmentView,
  entry: EnvironmentHistoryEntry,
  mayPromote: boolean,
): string | undefined {
  if (!mayPromote) {
    return `You may not promote to ${environment.title}.`;
  }
  if (!entry.versions) {
    return 'This commit did not set every value of the bundle: there is no complete set of versions to go back to.';
  }
  if (sameValues(entry.versions, currentValues(environment))) {
    return `${environment.title} runs ${entry.versions.join(', ')} now.`;
  }
  return undefined;
}

/**
 * Whether a commit changed a version: the first value, or (in a bundle) any
 * value compared with the commit before it (one that left a value unset
 * counts as different).
 */
function changedVersion(
  entry: EnvironmentHistoryEntry,
  previous: EnvironmentHistoryEntry | undefined,
) {
  if (entry.to !== undefined && entry.to !== entry.from) return true;
  if (!entry.versions || !previous) return false;
  return !previous.versions || !sameValues(entry.versions, previous.versions);
}

function HistoryTable(props: {
  entityRef: string;
  environment: EnvironmentView;
  onRollback: (entry: EnvironmentHistoryEntry) => void;
}) {
  const { entityRef, environment, onRollback } = props;
  const classes = useStyles();
  const history = useEnvironmentHistory({
    entityRef,
    environment: environment.name,
    limit: 30,
    reloadKey: environment.commitSha,
  });

  if (history.loading) {
    return <LinearProgress aria-label="Loading the history" />;
  }
  if (history.error) {
    return (
      <Alert
        severity="error"
        action={
          <Button color="inherit" size="small" onClick={history.retry}>
            Retry
          </Button>
        }
      >
        The history could not be read: {describeError(history.error).message}
      </Alert>
    );
  }
  const entries = history.value?.history ?? [];
  if (entries.length === 0) {
    return <Typography>No commits touched this environment yet.</Typography>;
  }
  const { mayPromote } = environment;
  const bundle = environment.values.length > 1;
  const now = currentValues(environment);
  return (
    <>
      {!mayPromote && (
        <Alert severity="info" style={{ marginBottom: 16 }}>
          Rollback is not available here:{' '}
          {rollbackBlocker(environment, entries[0], mayPromote)}
        </Alert>
      )}
      <Typography variant="body2" color="textSecondary" gutterBottom>
        Commits to <code>{history.value?.path}</code> (
        <code>{history.value?.key}</code>), newest first.
        {bundle &&
          ` ${environment.title} moves ${environment.values
            .map(v => v.key)
            .join(
              ', ',
            )} together: a rollback sets every one of them to its value after that commit.`}
      </Typography>
      <Table
        size="small"
        aria-label={`Version history of ${environment.title}`}
      >
        <TableHead>
          <TableRow>
            <TableCell>Version</TableCell>
            <TableCell>Who</TableCell>
            <TableCell>When</TableCell>
            <TableCell>Commit</TableCell>
            <TableCell>Message</TableCell>
            <TableCell className={classes.action}>
              <span className={classes.muted}>Action</span>
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {entries.map((entry, i) => {
            const changed = changedVersion(entry, entries[i + 1]);
            const current =
              changed &&
              (entry.versions
                ? sameValues(entry.versions, now)
                : entry.to === environment.version);
            const blocker = rollbackBlocker(environment, entry, mayPromote);
            const label = (entry.versions ?? [entry.to]).join(', ');
            return (
              <TableRow key={entry.commitSha}>
                <TableCell>
                  {changed ? (
                    <>
                      <span className={classes.muted}>
                        {entry.from && entry.from !== entry.to
                          ? `${entry.from} → `
                          : ''}
                      </span>
                      <span className={classes.version}>{entry.to}</span>
                      {current && (
                        <Chip
                          size="small"
                          label="current"
                          style={{ marginLeft: 8 }}
                        />
                      )}
                      {bundle && (
                        <Typography
                          variant="caption"
                          component="div"
                          className={classes.muted}
                        >
                          {entry.versions
                            ? environment.values
                                .map(
                                  (v, k) =>
                                    `${v.key} ${
                                      entry.versions?.[k] ?? 'not set'
                                    }`,
                                )
                                .join(', ')
                            : 'not every value of the bundle was set'}
                        </Typography>
                      )}
                    </>
                  ) : (
                    <span className={classes.muted}>no version change</span>
                  )}
                </TableCell>
                <TableCell>
                  <span title={entry.author.email}>{entry.author.name}</span>
                </TableCell>
                <TableCell className={classes.mono}>
                  <RelativeTime value={entry.date} />
                </TableCell>
                <TableCell className={classes.mono}>
                  <span title={entry.commitSha}>
                    {shortSha(entry.commitSha)}
                  </span>
                </TableCell>
                <TableCell className={classes.message}>
                  {entry.message}
                </TableCell>
                <TableCell className={classes.action}>
                  {changed && !current && (
                    <Tooltip title={blocker ?? ''}>
                      <span>
                        <Button
                          size="small"
                          variant="outlined"
                          color="primary"
                          disabled={Boolean(blocker)}
                          aria-label={`Roll back to ${label}`}
                          onClick={() => onRollback(entry)}
                        >
                          Roll back
                        </Button>
                      </span>
                    </Tooltip>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </>
  );
}

function HistoryDialogContent(props: {
  entityRef: string;
  environment: EnvironmentView;
  onClose: () => void;
  onRollback: (entry: EnvironmentHistoryEntry) => void;
}) {
  const { entityRef, environment, onClose, onRollback } = props;
  const initialFocus = useInitialFocus<HTMLButtonElement>();
  return (
    <>
      <DialogTitle id="history-dialog-title">
        History of {environment.title}
      </DialogTitle>
      <DialogContent dividers>
        <HistoryTable
          entityRef={entityRef}
          environment={environment}
          onRollback={onRollback}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} ref={initialFocus} disableFocusRipple>
          Close
        </Button>
      </DialogActions>
    </>
  );
}

/**
 * The version history of one environment (who, when, which commit) with a
 * Rollback per previous version, which opens the promote dialog.
 */
export function HistoryDialog(props: {
  entityRef: string;
  environment?: EnvironmentView;
  onClose: () => void;
  onRollback: (
    environment: EnvironmentView,
    entry: EnvironmentHistoryEntry,
  ) => void;
}) {
  const { entityRef, environment, onClose, onRollback } = props;
  return (
    <RetainedDialog
      value={environment}
      onClose={onClose}
      titleId="history-dialog-title"
    >
      {shown => (
        <HistoryDialogContent
          entityRef={entityRef}
          environment={shown}
          onClose={onClose}
          onRollback={entry => onRollback(shown, entry)}
        />
      )}
    </RetainedDialog>
  );
}
