import { Link } from '@backstage/core-components';
import {
  Box,
  CircularProgress,
  IconButton,
  makeStyles,
  Step,
  StepIconProps,
  StepLabel,
  Stepper,
  Theme,
  Tooltip,
  Typography,
} from '@material-ui/core';
import FileCopyOutlinedIcon from '@material-ui/icons/FileCopyOutlined';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CloseIcon from '@material-ui/icons/Close';
import ErrorIcon from '@material-ui/icons/Error';
import RadioButtonUncheckedIcon from '@material-ui/icons/RadioButtonUnchecked';
import { PromotionRecord } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { RelativeTime, shortSha } from '../shared';

type StepState = 'done' | 'active' | 'error' | 'todo';

interface ProgressStep {
  label: string;
  state: StepState;
}

const useStyles = makeStyles((theme: Theme) => ({
  root: {
    padding: theme.spacing(2),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.paper,
  },
  header: {
    display: 'flex',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
  },
  stepper: {
    padding: theme.spacing(2, 0, 1),
    backgroundColor: 'transparent',
  },
  done: { color: theme.palette.success.main },
  error: { color: theme.palette.error.main },
  todo: { color: theme.palette.text.disabled },
  meta: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5, 2),
    color: theme.palette.text.secondary,
  },
  sha: {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  },
  status: {
    fontWeight: 600,
  },
}));

function StepIcon(props: StepIconProps & { stepState: StepState }) {
  const classes = useStyles();
  switch (props.stepState) {
    case 'done':
      return <CheckCircleIcon className={classes.done} />;
    case 'error':
      return <ErrorIcon className={classes.error} />;
    case 'active':
      return <CircularProgress size={20} thickness={5} />;
    default:
      return <RadioButtonUncheckedIcon className={classes.todo} />;
  }
}

/** The steps of a promotion: written → Argo CD syncing → deployed or failed. */
export function progressSteps(promotion: PromotionRecord): ProgressStep[] {
  const pr = promotion.mode === 'pull-request';
  const written = promotion.commitSha || promotion.pullRequest;
  const first = pr ? 'Pull request opened' : 'Committed';
  switch (promotion.state) {
    case 'pending':
      return [
        { label: pr ? 'Opening pull request' : 'Committing', state: 'active' },
        { label: 'Argo CD syncing', state: 'todo' },
        { label: 'Deployed', state: 'todo' },
      ];
    case 'pr-open':
      return [
        { label: first, state: 'done' },
        { label: 'Waiting for merge', state: 'active' },
        { label: 'Deployed', state: 'todo' },
      ];
    case 'committed':
    case 'syncing':
      return [
        { label: first, state: 'done' },
        { label: 'Argo CD syncing', state: 'active' },
        { label: 'Deployed', state: 'todo' },
      ];
    case 'deployed':
      return [
        { label: first, state: 'done' },
        { label: 'Argo CD synced', state: 'done' },
        { label: 'Deployed', state: 'done' },
      ];
    case 'rejected':
      return [
        { label: first, state: written ? 'done' : 'error' },
        { label: 'Argo CD syncing', state: 'todo' },
        { label: 'Rejected', state: 'error' },
      ];
    case 'failed':
    default:
      return [
        { label: first, state: written ? 'done' : 'error' },
        { label: 'Argo CD syncing', state: written ? 'done' : 'todo' },
        { label: 'Failed', state: 'error' },
      ];
  }
}

const STATUS_TEXT: Record<PromotionRecord['state'], string> = {
  pending: 'Writing to the GitOps repository',
  committed: 'Committed; waiting for Argo CD',
  'pr-open': 'Pull request opened; waiting for it to be merged',
  syncing: 'Argo CD is syncing',
  deployed: 'Deployed',
  failed: 'Failed',
  rejected: 'Rejected',
};

/**
 * Where a promotion is, as a stepper that follows the record it is given,
 * with the commit or pull request it made. The status line is a live region.
 */
export function PromotionProgress(props: {
  promotion: PromotionRecord;
  targetTitle?: string;
  onDismiss?: () => void;
}) {
  const { promotion, targetTitle, onDismiss } = props;
  const classes = useStyles();
  const steps = progressSteps(promotion);
  const version = promotion.versions[0]?.to;
  const target = targetTitle ?? promotion.targetEnv;
  const heading =
    promotion.kind === 'rollback'
      ? `Rollback of ${promotion.service} in ${target} to ${version}`
      : `Promotion of ${promotion.service} ${version} to ${target}`;
  const statusText = [STATUS_TEXT[promotion.state], promotion.stateReason]
    .filter(Boolean)
    .join(' — ');
  return (
    <section className={classes.root} aria-label={heading}>
      <div className={classes.header}>
        <div>
          <Typography variant="subtitle1" component="h3">
            {heading}
          </Typography>
          <Typography
            variant="body2"
            role="status"
            aria-live="polite"
            className={classes.status}
            color={promotion.state === 'failed' ? 'error' : 'textPrimary'}
          >
            {statusText}
          </Typography>
        </div>
        {onDismiss && (
          <IconButton
            size="small"
            aria-label={`Dismiss ${heading}`}
            onClick={onDismiss}
          >
            <CloseIcon fontSize="small" />
          </IconButton>
        )}
      </div>
      <Stepper
        className={classes.stepper}
        alternativeLabel
        activeStep={steps.findIndex(s => s.state === 'active')}
      >
        {steps.map(step => (
          <Step key={step.label} completed={step.state === 'done'}>
            <StepLabel
              error={step.state === 'error'}
              StepIconComponent={iconProps => (
                <StepIcon {...iconProps} stepState={step.state} />
              )}
            >
              {step.label}
            </StepLabel>
          </Step>
        ))}
      </Stepper>
      <Box className={classes.meta}>
        {promotion.pullRequest && (
          <Typography variant="body2">
            <Link to={promotion.pullRequest.url}>
              Pull request #{promotion.pullRequest.number}
            </Link>
          </Typography>
        )}
        {promotion.commitSha && (
          <Typography variant="body2" component="span">
            Commit{' '}
            <span className={classes.sha} title={promotion.commitSha}>
              {shortSha(promotion.commitSha)}
            </span>
            <Tooltip title="Copy the full commit SHA">
              <IconButton
                size="small"
                aria-label="Copy commit SHA"
                onClick={() =>
                  navigator.clipboard?.writeText(promotion.commitSha!)
                }
              >
                <FileCopyOutlinedIcon fontSize="inherit" />
              </IconButton>
            </Tooltip>
          </Typography>
        )}
        <Typography variant="body2" component="span">
          {promotion.requester.replace(/^user:(default\/)?/, '')} ·{' '}
          <RelativeTime value={promotion.createdAt} />
        </Typography>
      </Box>
    </section>
  );
}
