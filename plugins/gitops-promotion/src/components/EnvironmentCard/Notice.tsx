import { makeStyles, Theme } from '@material-ui/core';
import { ReactNode } from 'react';

const useStyles = makeStyles((theme: Theme) => ({
  notice: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 1.5),
    borderRadius: theme.shape.borderRadius,
    fontSize: '0.875rem',
    '& > svg': {
      fontSize: '1.125rem',
      marginTop: 1,
      flexShrink: 0,
    },
  },
  body: {
    minWidth: 0,
    flex: 1,
  },
  warning: {
    backgroundColor:
      theme.palette.type === 'dark'
        ? 'rgba(255,152,0,0.15)'
        : 'rgba(255,152,0,0.12)',
    '& > svg': { color: theme.palette.warning.main },
  },
  info: {
    backgroundColor:
      theme.palette.type === 'dark'
        ? 'rgba(33,150,243,0.15)'
        : 'rgba(33,150,243,0.08)',
    '& > svg': { color: theme.palette.info.main },
  },
  unknown: {
    backgroundColor: theme.palette.action.hover,
    '& > svg': { color: theme.palette.text.secondary },
  },
}));

/** A highlighted note on an environment card, named for screen readers. */
export function Notice(props: {
  tone: 'warning' | 'info' | 'unknown';
  icon: ReactNode;
  label: string;
  children: ReactNode;
}) {
  const classes = useStyles();
  return (
    <div
      className={`${classes.notice} ${classes[props.tone]}`}
      role="note"
      aria-label={props.label}
    >
      {props.icon}
      <div className={classes.body}>{props.children}</div>
    </div>
  );
}
