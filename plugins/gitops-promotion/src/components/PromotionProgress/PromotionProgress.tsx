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
import { RelativeTime, shortRef, shortSha } from '../shared';
import { ApprovalList, VerificationList } from './PromotionChecks';
import {
  automaticRollbackText,
  progressSteps,
  StepState,
  statusText,
} from './progressSteps';

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
  details: {
    display: 'grid',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1.5),
  },
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

/** Who asked: a person, or the backend by itself. */
function originText(promotion: PromotionRecord) {
  if (promotion.trigger === 'auto-promotion') return 'Promoted automatically';
  if (promotion.trigger === 'auto-rollback') return 'Rolled back automatically';
  return shortRef(promotion.requester);
}

/**
 * Where a promotion is, as a stepper that follows the record it is given,
 * with its approvals and verification checks, and the commit or pull request
 * it made. The status line is a live region. `rolledBack` is the promotion an
 * automatic rollback undoes, once read.
 */
export function PromotionProgress(props: {
  promotion: PromotionRecord;
  targetTitle?: string;
  onDismiss?: () => void;
  rolledBack?: PromotionRecord;
}) {
  const { promotion, targetTitle, onDismiss, rolledBack } = props;
  const classes = useStyles();
  const steps = progressSteps(promotion);
  const version = promotion.versions[0]?.to;
  const target = targetTitle ?? promotion.targetEnv;
  const heading =
    promotion.kind === 'rollback'
      ? `Rollback of ${promotion.service} in ${target} to ${version}`
      : `Promotion of ${promotion.service} ${version} to ${target}`;
  const verification = promotion.verification ?? [];
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
            {statusText(promotion)}
          </Typography>
          {promotion.trigger === 'auto-rollback' && promotion.rollbackOf && (
            <Typography variant="body2" title={promotion.rollbackOf}>
              {automaticRollbackText(promotion.rollbackOf, rolledBack)}
            </Typography>
          )}
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
      {(promotion.approvals || verification.length > 0) && (
        <div className={classes.details}>
          {promotion.approvals && (
            <ApprovalList approvals={promotion.approvals} />
          )}
          {verification.length > 0 && (
            <VerificationList checks={verification} />
          )}
        </div>
      )}
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
          {originText(promotion)} · <RelativeTime value={promotion.createdAt} />
        </Typography>
      </Box>
    </section>
  );
}
