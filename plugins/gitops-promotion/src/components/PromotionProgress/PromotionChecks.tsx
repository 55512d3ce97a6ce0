import { makeStyles, Theme, Typography } from '@material-ui/core';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ScheduleIcon from '@material-ui/icons/Schedule';
import {
  PromotionApprovals,
  VerificationCheckResult,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import {
  approvalTally,
  approverGroupsText,
  plural,
  RelativeTime,
  shortRef,
} from '../shared';

const useStyles = makeStyles((theme: Theme) => ({
  list: {
    margin: 0,
    padding: 0,
    listStyle: 'none',
    display: 'grid',
    gap: theme.spacing(0.5),
    fontSize: '0.875rem',
  },
  item: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    '& svg': { fontSize: '1.125rem', flexShrink: 0, marginTop: 1 },
  },
  approvals: {
    display: 'grid',
    gap: theme.spacing(0.5),
  },
  passed: { color: theme.palette.success.main },
  failed: { color: theme.palette.error.main },
  pending: { color: theme.palette.text.secondary },
  muted: { color: theme.palette.text.secondary },
}));

function StateIcon(props: { state: 'pending' | 'passed' | 'failed' }) {
  const classes = useStyles();
  if (props.state === 'passed') {
    return <CheckCircleIcon className={classes.passed} />;
  }
  if (props.state === 'failed') {
    return <CancelIcon className={classes.failed} />;
  }
  return <ScheduleIcon className={classes.pending} />;
}

/** Who may approve, and every decision so far with its comment. */
export function ApprovalList(props: { approvals: PromotionApprovals }) {
  const { approvals } = props;
  const classes = useStyles();
  const tally = approvalTally(approvals);
  return (
    <div className={classes.approvals}>
      <Typography variant="body2" className={classes.muted}>
        Needs {plural(approvals.required, 'approval')} from{' '}
        {approverGroupsText(approvals.from)}; approved by{' '}
        {tally.approvers.join(', ') || 'nobody yet'}.
      </Typography>
      {approvals.decisions.length > 0 && (
        <ul className={classes.list} aria-label="Approvals">
          {approvals.decisions.map(d => (
            <li key={`${d.approver}@${d.at}`} className={classes.item}>
              <StateIcon
                state={d.decision === 'approve' ? 'passed' : 'failed'}
              />
              <span>
                {shortRef(d.approver)}{' '}
                {d.decision === 'approve' ? 'approved' : 'rejected'}{' '}
                <RelativeTime value={d.at} />
                {d.comment && `: “${d.comment}”`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Every verification check of a rollout with its state, in order. */
export function VerificationList(props: { checks: VerificationCheckResult[] }) {
  const classes = useStyles();
  return (
    <ul className={classes.list} aria-label="Verification checks">
      {props.checks.map(check => (
        <li key={check.name} className={classes.item}>
          <StateIcon state={check.state} />
          <span>
            {check.name}: {check.state}
            {check.message && (
              <span className={classes.muted}> — {check.message}</span>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
