import { Button, makeStyles, Theme } from '@material-ui/core';
import HowToRegIcon from '@material-ui/icons/HowToReg';
import SyncIcon from '@material-ui/icons/Sync';
import {
  EnvironmentView,
  InFlightPromotion,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { approvalTally, shortRef, titleOf } from '../shared';
import { Notice } from './Notice';

export type ApprovalDecisionKind = 'approve' | 'reject';

const useStyles = makeStyles((theme: Theme) => ({
  decide: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
}));

/** The versions a promotion moves: "2.5.0 → 2.6.1". */
export function versionsText(promotion: InFlightPromotion) {
  return promotion.versions
    .map(v => (v.from && v.from !== v.to ? `${v.from} → ${v.to}` : v.to))
    .join(', ');
}

/**
 * A promotion into the environment that awaits approval: who asked for
 * which versions, the approvals so far, and Approve / Reject for a user who
 * may decide.
 */
function AwaitingApprovalNotice(props: {
  environment: EnvironmentView;
  environments: EnvironmentView[];
  promotion: InFlightPromotion;
  onDecide: (decision: ApprovalDecisionKind) => void;
}) {
  const { environment, environments, promotion, onDecide } = props;
  const classes = useStyles();
  const tally = promotion.approvals && approvalTally(promotion.approvals);
  const source = promotion.sourceEnv
    ? ` from ${titleOf(environments, promotion.sourceEnv)}`
    : '';
  const subject = `the promotion of ${
    promotion.versions[0]?.to ?? 'new versions'
  } to ${environment.title}`;
  return (
    <Notice tone="warning" icon={<HowToRegIcon />} label="Awaiting approval">
      <strong>Awaiting approval{tally && ` · ${tally.count}`}</strong>
      <div>
        {promotion.requester ? shortRef(promotion.requester) : 'Someone'} asks
        to promote {versionsText(promotion)}
        {source}.
      </div>
      {tally && (
        <div>
          {tally.approvers.length > 0
            ? `Approved by ${tally.approvers.join(', ')}.`
            : 'No approvals yet.'}
        </div>
      )}
      {promotion.mayDecide && (
        <div className={classes.decide}>
          <Button
            size="small"
            variant="contained"
            color="primary"
            aria-label={`Approve ${subject}`}
            onClick={() => onDecide('approve')}
          >
            Approve
          </Button>
          <Button
            size="small"
            variant="outlined"
            aria-label={`Reject ${subject}`}
            onClick={() => onDecide('reject')}
          >
            Reject
          </Button>
        </div>
      )}
    </Notice>
  );
}

/** What a promotion under way is doing, by whom it was started. */
function progressText(promotion: InFlightPromotion) {
  const version = promotion.versions[0]?.to;
  if (promotion.trigger === 'auto-rollback') {
    return `Automatic rollback to ${version} in progress.`;
  }
  const what =
    promotion.trigger === 'auto-promotion'
      ? 'Automatic promotion'
      : 'Promotion';
  if (promotion.state === 'verifying') {
    return `${what} of ${version} in progress: verifying the rollout.`;
  }
  return `${what} of ${version} in progress.`;
}

/** The promotions into an environment that are under way or await approval. */
export function InFlightNotices(props: {
  environment: EnvironmentView;
  environments: EnvironmentView[];
  onDecide: (
    promotion: InFlightPromotion,
    decision: ApprovalDecisionKind,
  ) => void;
}) {
  const { environment, environments, onDecide } = props;
  const awaiting = environment.inFlight.filter(
    p => p.state === 'awaiting-approval',
  );
  const underWay = environment.inFlight.find(
    p => p.state !== 'awaiting-approval',
  );
  return (
    <>
      {awaiting.map(promotion => (
        <AwaitingApprovalNotice
          key={promotion.id}
          environment={environment}
          environments={environments}
          promotion={promotion}
          onDecide={decision => onDecide(promotion, decision)}
        />
      ))}
      {underWay && (
        <Notice tone="info" icon={<SyncIcon />} label="Promotion in progress">
          {progressText(underWay)}
        </Notice>
      )}
    </>
  );
}
