import {
  Button,
  DialogActions,
  DialogContent,
  DialogTitle,
  makeStyles,
  TextField,
  Theme,
  Typography,
} from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import {
  EnvironmentView,
  InFlightPromotion,
  PromotionRecord,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useEffect, useRef, useState } from 'react';
import { useDecidePromotion } from '../../hooks';
import { ApprovalDecisionKind, versionsText } from '../EnvironmentCard';
import {
  approvalTally,
  approverGroupsText,
  describeError,
  plural,
  RetainedDialog,
  shortRef,
  titleOf,
  useInitialFocus,
} from '../shared';

/** A decision a person is about to make on a promotion awaiting approval. */
export interface ApprovalDialogRequest {
  promotion: InFlightPromotion;
  target: EnvironmentView;
  environments: EnvironmentView[];
  decision: ApprovalDecisionKind;
}

const COMMENT_MAX_LENGTH = 2000;

const useStyles = makeStyles((theme: Theme) => ({
  content: {
    display: 'grid',
    gap: theme.spacing(2),
  },
  actions: {
    padding: theme.spacing(1.5, 3, 2),
    gap: theme.spacing(1),
  },
  reason: {
    marginRight: 'auto',
    color: theme.palette.text.secondary,
  },
  reject: {
    color: theme.palette.error.contrastText,
    backgroundColor: theme.palette.error.main,
    '&:hover': { backgroundColor: theme.palette.error.dark },
  },
}));

/** What the decision does, given the approvals so far. */
function consequenceText(request: ApprovalDialogRequest) {
  const { promotion, target, decision } = request;
  if (decision === 'reject') {
    return 'A rejection ends the promotion: nothing is written to the GitOps repository.';
  }
  if (!promotion.approvals) return undefined;
  const missing =
    promotion.approvals.required -
    approvalTally(promotion.approvals).approvers.length -
    1;
  return missing > 0
    ? `After yours, ${plural(missing, 'more approval')} ${
        missing === 1 ? 'is' : 'are'
      } needed.`
    : `Yours is the last approval needed: the change is then written to ${target.title}.`;
}

function DecisionError(props: { error: Error }) {
  const { status, message } = describeError(props.error);
  let title = 'The decision failed';
  if (status === 403) title = 'Not allowed';
  if (status === 409) title = 'Already decided or no longer awaiting approval';
  return (
    <Alert severity="error" role="alert">
      <AlertTitle>{title}</AlertTitle>
      {message}
    </Alert>
  );
}

function ApprovalDialogBody(props: {
  request: ApprovalDialogRequest;
  onClose: () => void;
  onDecided: (promotion: PromotionRecord) => void;
  onStale: () => void;
}) {
  const { request, onClose, onDecided, onStale } = props;
  const { promotion, target, environments, decision } = request;
  const classes = useStyles();
  const [comment, setComment] = useState('');
  const submit = useDecidePromotion();
  const commentField = useInitialFocus<HTMLTextAreaElement>();

  const reported = useRef<PromotionRecord>();
  useEffect(() => {
    if (submit.value && reported.current !== submit.value) {
      reported.current = submit.value;
      onDecided(submit.value);
    }
  }, [submit.value, onDecided]);
  // The promotion moved on meanwhile: show the tab as it is now, behind.
  // Its confirm button is disabled then: Cancel takes the focus.
  const stale = describeError(submit.error).status === 409;
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!stale) return;
    onStale();
    cancel.current?.focus();
  }, [stale, onStale]);

  const rejecting = decision === 'reject';
  const verb = rejecting ? 'Reject' : 'Approve';
  const version = promotion.versions[0]?.to ?? 'new versions';
  const tally = promotion.approvals && approvalTally(promotion.approvals);
  const source = promotion.sourceEnv
    ? ` from ${titleOf(environments, promotion.sourceEnv)}`
    : '';
  const blocked =
    rejecting && comment.trim() === ''
      ? 'A comment is required to reject.'
      : undefined;
  const confirm = () => {
    const text = comment.trim();
    submit.decide(promotion.id, { decision, ...(text && { comment: text }) });
  };

  return (
    <>
      <DialogTitle id="approval-dialog-title">
        {verb} the promotion of {version} to {target.title}
      </DialogTitle>
      <DialogContent dividers className={classes.content}>
        <div>
          <Typography variant="body2">
            {promotion.requester ? shortRef(promotion.requester) : 'Someone'}{' '}
            asks to promote {versionsText(promotion)}
            {source} to {target.title}.
          </Typography>
          {promotion.approvals && tally && (
            <Typography variant="body2" color="textSecondary">
              Approvals: {tally.count}
              {tally.approvers.length > 0 && ` (${tally.approvers.join(', ')})`}
              , from {approverGroupsText(promotion.approvals.from)}.
            </Typography>
          )}
          <Typography variant="body2" color="textSecondary">
            {consequenceText(request)}
          </Typography>
        </div>
        <TextField
          id="approval-dialog-comment"
          label="Comment"
          variant="outlined"
          multiline
          minRows={3}
          fullWidth
          required={rejecting}
          value={comment}
          onChange={e => setComment(e.target.value)}
          inputRef={commentField}
          inputProps={{ maxLength: COMMENT_MAX_LENGTH }}
          helperText={
            rejecting
              ? 'Required: say why, for the requester.'
              : 'Optional; shown with your approval.'
          }
        />
        {submit.error && <DecisionError error={submit.error} />}
      </DialogContent>
      <DialogActions className={classes.actions}>
        {blocked && (
          <Typography
            variant="body2"
            id="approval-dialog-blocked"
            className={classes.reason}
          >
            {blocked}
          </Typography>
        )}
        <Button onClick={onClose} ref={cancel}>
          Cancel
        </Button>
        <Button
          variant="contained"
          color={rejecting ? 'default' : 'primary'}
          className={rejecting && !blocked ? classes.reject : undefined}
          onClick={confirm}
          disabled={Boolean(blocked) || submit.loading || stale}
          aria-describedby={blocked ? 'approval-dialog-blocked' : undefined}
        >
          {submit.loading ? `${rejecting ? 'Rejecting' : 'Approving'}…` : verb}
        </Button>
      </DialogActions>
    </>
  );
}

/**
 * Approve or reject a promotion awaiting approval, with a comment (required
 * to reject). A refusal (403) or a decision that came too late (409) is shown
 * in place; `onDecided` gets the promotion after the decision.
 */
export function ApprovalDialog(props: {
  request?: ApprovalDialogRequest;
  onClose: () => void;
  onDecided: (promotion: PromotionRecord) => void;
  /** The promotion moved on before the decision: reload what is shown. */
  onStale: () => void;
}) {
  const { request, onClose, onDecided, onStale } = props;
  return (
    <RetainedDialog
      value={request}
      onClose={onClose}
      titleId="approval-dialog-title"
      maxWidth="sm"
    >
      {shown => (
        <ApprovalDialogBody
          key={`${shown.promotion.id}:${shown.decision}`}
          request={shown}
          onClose={onClose}
          onDecided={onDecided}
          onStale={onStale}
        />
      )}
    </RetainedDialog>
  );
}
