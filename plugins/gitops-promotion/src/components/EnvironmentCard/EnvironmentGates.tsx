import { makeStyles, Theme } from '@material-ui/core';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import FastForwardIcon from '@material-ui/icons/FastForward';
import HowToRegIcon from '@material-ui/icons/HowToReg';
import SettingsBackupRestoreIcon from '@material-ui/icons/SettingsBackupRestore';
import { EnvironmentView } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { ReactElement, ReactNode } from 'react';
import { approverGroupsText, autoFromText, plural, titleOf } from '../shared';

const useStyles = makeStyles((theme: Theme) => ({
  gates: {
    margin: 0,
    padding: 0,
    listStyle: 'none',
    display: 'grid',
    gap: theme.spacing(0.5),
    fontSize: '0.875rem',
  },
  gate: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    '& svg': {
      fontSize: '1.125rem',
      marginTop: 1,
      flexShrink: 0,
      color: theme.palette.text.secondary,
    },
  },
  paused: {
    color:
      theme.palette.type === 'dark'
        ? theme.palette.warning.light
        : theme.palette.warning.dark,
    fontWeight: 500,
  },
}));

/** Whether automatic promotion into the environment is paused, in words. */
function pausedText(environment: EnvironmentView) {
  if (environment.gates?.autoPromotionPaused) return 'paused for every service';
  if (environment.autoPromotionPaused) return 'paused';
  return undefined;
}

/** Each gate as a line: its icon (decorative) and its text. */
function gateLines(
  environment: EnvironmentView,
  environments: EnvironmentView[],
  pausedClass: string,
): Array<{ key: string; icon: ReactElement; text: ReactNode }> {
  const { gates } = environment;
  if (!gates) return [];
  const paused = pausedText(environment);
  const lines = (gates.autoPromotesFrom ?? []).map(edge => ({
    key: `auto:${edge.environment}`,
    icon: <FastForwardIcon />,
    text: (
      <>
        {autoFromText(titleOf(environments, edge.environment), edge.after)}
        {paused && (
          <>
            {' · '}
            <span className={pausedClass}>{paused}</span>
          </>
        )}
      </>
    ),
  }));
  if (gates.approvals) {
    lines.push({
      key: 'approvals',
      icon: <HowToRegIcon />,
      text: (
        <>
          Needs {plural(gates.approvals.required, 'approval')} from{' '}
          {approverGroupsText(gates.approvals.from)}
        </>
      ),
    });
  }
  if (gates.verification?.length) {
    lines.push({
      key: 'verification',
      icon: <AssignmentTurnedInIcon />,
      text: <>Verified by: {gates.verification.join(', ')}</>,
    });
  }
  if (gates.rollbackOnFailure) {
    lines.push({
      key: 'rollback',
      icon: <SettingsBackupRestoreIcon />,
      text: <>Rolls back on failure</>,
    });
  }
  return lines;
}

/**
 * What a promotion into the environment goes through besides the rules:
 * automatic promotion (and whether it is paused), approvals, verification
 * checks, automatic rollback.
 */
export function EnvironmentGates(props: {
  environment: EnvironmentView;
  environments: EnvironmentView[];
}) {
  const classes = useStyles();
  const lines = gateLines(
    props.environment,
    props.environments,
    classes.paused,
  );
  if (lines.length === 0) return null;
  return (
    <ul className={classes.gates} aria-label="Gates">
      {lines.map(line => (
        <li key={line.key} className={classes.gate}>
          {line.icon}
          <span>{line.text}</span>
        </li>
      ))}
    </ul>
  );
}
