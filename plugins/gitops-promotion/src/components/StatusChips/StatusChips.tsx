import { Chip, makeStyles, Theme } from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import FavoriteIcon from '@material-ui/icons/Favorite';
import HelpIcon from '@material-ui/icons/Help';
import PauseCircleIcon from '@material-ui/icons/PauseCircleFilled';
import SyncIcon from '@material-ui/icons/Sync';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import ReportProblemIcon from '@material-ui/icons/ReportProblem';
import { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { ReactElement } from 'react';
import { visuallyHidden } from '../shared';

type Tone = 'ok' | 'warning' | 'error' | 'info' | 'neutral';

const useStyles = makeStyles((theme: Theme) => {
  const tone = (color: string) => ({
    borderColor: color,
    '& $icon': { color },
  });
  return {
    root: {
      display: 'flex',
      flexWrap: 'wrap',
      gap: theme.spacing(1),
    },
    chip: {
      fontWeight: 500,
    },
    icon: {},
    ok: tone(theme.palette.success.main),
    warning: tone(theme.palette.warning.main),
    error: tone(theme.palette.error.main),
    info: tone(theme.palette.info.main),
    neutral: tone(theme.palette.text.secondary),
    hidden: visuallyHidden,
  };
});

const SYNC: Record<string, { label: string; tone: Tone; icon: ReactElement }> =
  {
    Synced: { label: 'Synced', tone: 'ok', icon: <CheckCircleIcon /> },
    OutOfSync: {
      label: 'Out of sync',
      tone: 'warning',
      icon: <SyncProblemIcon />,
    },
  };

const HEALTH: Record<string, { tone: Tone; icon: ReactElement }> = {
  Healthy: { tone: 'ok', icon: <FavoriteIcon /> },
  Progressing: { tone: 'info', icon: <SyncIcon /> },
  Degraded: { tone: 'error', icon: <ErrorIcon /> },
  Missing: { tone: 'error', icon: <ReportProblemIcon /> },
  Suspended: { tone: 'warning', icon: <PauseCircleIcon /> },
};

function StatusChip(props: {
  kind: string;
  label: string;
  tone: Tone;
  icon: ReactElement;
  title?: string;
}) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant="outlined"
      className={`${classes.chip} ${classes[props.tone]}`}
      classes={{ icon: classes.icon }}
      icon={props.icon}
      title={props.title}
      label={
        <>
          <span className={classes.hidden}>{props.kind}: </span>
          {props.label}
        </>
      }
    />
  );
}

/**
 * Argo CD sync and health as chips with an icon and text, never color alone.
 * An unknown status reads "Sync unknown" and "Health unknown".
 */
export function StatusChips(props: { status: GitopsArgoCdStatus }) {
  const { status } = props;
  const classes = useStyles();
  if (status.state === 'unknown') {
    return (
      <div className={classes.root}>
        <StatusChip
          kind="Argo CD"
          label="Status unknown"
          tone="neutral"
          icon={<HelpIcon />}
          title={status.message}
        />
      </div>
    );
  }
  const sync = SYNC[status.syncStatus] ?? {
    label: status.syncStatus || 'Unknown',
    tone: 'neutral' as Tone,
    icon: <HelpIcon />,
  };
  const health = HEALTH[status.health.status] ?? {
    tone: 'neutral' as Tone,
    icon: <HelpIcon />,
  };
  return (
    <div className={classes.root}>
      <StatusChip
        kind="Sync"
        label={sync.label}
        tone={sync.tone}
        icon={sync.icon}
        title={`Argo CD sync status: ${status.syncStatus}`}
      />
      <StatusChip
        kind="Health"
        label={status.health.status || 'Unknown'}
        tone={health.tone}
        icon={health.icon}
        title={status.health.message ?? `Health: ${status.health.status}`}
      />
    </div>
  );
}
