import {
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  makeStyles,
  Theme,
} from '@material-ui/core';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import LockOpenIcon from '@material-ui/icons/LockOpen';
import { PromotionVerdict } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

const RULE_TITLES: Record<string, string> = {
  permission: 'Permission',
  'pipeline-order': 'Pipeline order',
  'upstream-gate': 'Upstream gate',
  'immutable-version': 'Immutable versions',
  'freeze-window': 'Freeze windows',
};

const useStyles = makeStyles((theme: Theme) => ({
  verdicts: {
    padding: 0,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  verdict: {
    '&:not(:last-child)': {
      borderBottom: `1px solid ${theme.palette.divider}`,
    },
  },
  verdictText: {
    // Backstage's theme ellipsizes list items; the reasons must be read in full.
    whiteSpace: 'normal',
    overflow: 'visible',
    overflowWrap: 'break-word',
  },
  verdictIcon: {
    minWidth: theme.spacing(5),
  },
  passed: { color: theme.palette.success.main },
  failed: { color: theme.palette.error.main },
  overridden: { color: theme.palette.warning.main },
}));

/** Every policy check of a promotion with its outcome and reason. */
export function VerdictList(props: { verdicts: PromotionVerdict[] }) {
  const classes = useStyles();
  return (
    <List className={classes.verdicts} aria-label="Policy checks">
      {props.verdicts.map(verdict => {
        let icon = <CheckCircleIcon className={classes.passed} />;
        let outcome = 'Passed';
        if (!verdict.passed) {
          icon = <CancelIcon className={classes.failed} />;
          outcome = 'Failed';
        } else if (verdict.overridden) {
          icon = <LockOpenIcon className={classes.overridden} />;
          outcome = 'Overridden';
        }
        const title = RULE_TITLES[verdict.rule] ?? verdict.rule;
        // The server's message names the rule first; the title says it already.
        const message = verdict.message.startsWith(`${title}:`)
          ? verdict.message.slice(title.length + 1).trim()
          : verdict.message;
        return (
          <ListItem key={verdict.rule} className={classes.verdict} dense>
            <ListItemIcon className={classes.verdictIcon}>{icon}</ListItemIcon>
            <ListItemText
              primary={`${title}: ${outcome}`}
              secondary={message}
              className={classes.verdictText}
            />
          </ListItem>
        );
      })}
    </List>
  );
}
