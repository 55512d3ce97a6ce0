import { makeStyles, Theme, Tooltip, Typography } from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import HelpIcon from '@material-ui/icons/Help';
import SyncIcon from '@material-ui/icons/Sync';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import { MatrixCell } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { ReactElement } from 'react';
import { CellContext, Highlight, highlightsOf } from './matrixModel';
import { visuallyHidden } from '../shared';

const useStyles = makeStyles((theme: Theme) => ({
  version: {
    fontFamily: 'monospace',
    fontWeight: 600,
    overflowWrap: 'anywhere',
  },
  missing: {
    color: theme.palette.text.secondary,
    fontStyle: 'italic',
  },
  status: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontSize: theme.typography.caption.fontSize,
    color: theme.palette.text.secondary,
    '& svg': { fontSize: 14 },
  },
  ok: { color: theme.palette.success.main },
  warning: { color: theme.palette.warning.dark },
  error: { color: theme.palette.error.main },
  info: { color: theme.palette.info.main },
  neutral: { color: theme.palette.text.secondary },
  highlights: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(0.5),
  },
  hidden: visuallyHidden,
  highlight: {
    fontSize: theme.typography.caption.fontSize,
    lineHeight: 1.4,
    padding: theme.spacing(0, 0.75),
    borderRadius: theme.shape.borderRadius,
    border: '1px solid currentColor',
    whiteSpace: 'nowrap',
  },
}));

function syncIcon(cell: MatrixCell): { icon: ReactElement; tone: string } {
  if (cell.status.state !== 'known') {
    return { icon: <HelpIcon />, tone: 'neutral' };
  }
  if (cell.status.health.status === 'Progressing') {
    return { icon: <SyncIcon />, tone: 'info' };
  }
  if (['Degraded', 'Missing'].includes(cell.status.health.status)) {
    return { icon: <ErrorIcon />, tone: 'error' };
  }
  if (cell.status.syncStatus === 'OutOfSync') {
    return { icon: <SyncProblemIcon />, tone: 'warning' };
  }
  return { icon: <CheckCircleIcon />, tone: 'ok' };
}

function statusText(cell: MatrixCell) {
  if (cell.status.state !== 'known') return 'Status unknown';
  const sync =
    cell.status.syncStatus === 'OutOfSync'
      ? 'Out of sync'
      : cell.status.syncStatus;
  return `${sync} · ${cell.status.health.status}`;
}

function HighlightBadge(props: { highlight: Highlight }) {
  const classes = useStyles();
  const { highlight } = props;
  return (
    <Tooltip title={highlight.description}>
      <span
        className={`${classes.highlight} ${classes[highlight.tone]}`}
        data-highlight={highlight.kind}
      >
        <span aria-hidden="true">{highlight.label}</span>
        <span className={classes.hidden}>{highlight.description}</span>
      </span>
    </Tooltip>
  );
}

/** One service in one environment: version, Argo CD state, and what stands out. */
export function MatrixCellView(props: {
  cell: MatrixCell;
  context: CellContext;
}) {
  const { cell, context } = props;
  const classes = useStyles();
  const { icon, tone } = syncIcon(cell);
  const highlights = highlightsOf(cell, context).filter(
    h => h.kind !== 'unknown',
  );
  return (
    <>
      {cell.version === undefined ? (
        <Typography variant="body2" className={classes.missing}>
          not deployed
        </Typography>
      ) : (
        <Typography variant="body2" className={classes.version}>
          {cell.version}
        </Typography>
      )}
      <Tooltip
        title={cell.status.state === 'unknown' ? cell.status.message : ''}
      >
        <span className={classes.status}>
          <span className={classes[tone as keyof typeof classes]}>{icon}</span>
          {statusText(cell)}
        </span>
      </Tooltip>
      {highlights.length > 0 && (
        <div className={classes.highlights}>
          {highlights.map(h => (
            <HighlightBadge key={`${h.kind}:${h.label}`} highlight={h} />
          ))}
        </div>
      )}
    </>
  );
}
