import { PromotionRecord } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { Typography } from '@material-ui/core';
import { useEffect, useRef } from 'react';
import { usePromotion } from '../../hooks';
import { describeError } from '../shared';
import { PromotionProgress } from './PromotionProgress';

/**
 * An automatic rollback, with the promotion it undoes read once (it is
 * final), to say whether its rollout or its verification failed.
 */
function AutomaticRollbackProgress(props: {
  promotion: PromotionRecord & { rollbackOf: string };
  targetTitle?: string;
  onDismiss?: () => void;
}) {
  const { promotion: rolledBack } = usePromotion(props.promotion.rollbackOf);
  return <PromotionProgress {...props} rolledBack={rolledBack} />;
}

/**
 * A promotion followed live until it is deployed, failed or rejected;
 * `onSettled` is called once when it gets there.
 */
export function TrackedPromotion(props: {
  id: string;
  initial?: PromotionRecord;
  targetTitle?: string;
  onSettled?: (promotion: PromotionRecord) => void;
  onDismiss?: () => void;
}) {
  const { id, initial, targetTitle, onSettled, onDismiss } = props;
  const { promotion, error, done } = usePromotion(id, { initial });
  const settled = useRef(false);
  useEffect(() => {
    if (done && promotion && !settled.current) {
      settled.current = true;
      onSettled?.(promotion);
    }
  }, [done, promotion, onSettled]);

  if (!promotion) {
    return error ? (
      <Typography color="error" role="alert">
        Could not load promotion {id}: {describeError(error).message}
      </Typography>
    ) : null;
  }
  const { rollbackOf } = promotion;
  return (
    <>
      {promotion.trigger === 'auto-rollback' && rollbackOf ? (
        <AutomaticRollbackProgress
          promotion={{ ...promotion, rollbackOf }}
          targetTitle={targetTitle}
          onDismiss={onDismiss}
        />
      ) : (
        <PromotionProgress
          promotion={promotion}
          targetTitle={targetTitle}
          onDismiss={onDismiss}
        />
      )}
      {error && (
        <Typography variant="caption" color="error">
          Could not refresh the state: {describeError(error).message}; retrying.
        </Typography>
      )}
    </>
  );
}
