import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  CodeSnippet,
  EmptyState,
  ErrorPanel,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Box,
  Button,
  IconButton,
  makeStyles,
  Theme,
  Tooltip,
  Typography,
} from '@material-ui/core';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  EnvironmentHistoryEntry,
  EnvironmentView,
  GITOPS_PROMOTION_SERVICE_ANNOTATION,
  isGitopsPromotionAvailable,
  PromotionRecord,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useCallback, useEffect, useState } from 'react';
import { useEnvironments } from '../../hooks';
import { ApprovalDialog, ApprovalDialogRequest } from '../ApprovalDialog';
import {
  AutoPromotionPauseDialog,
  AutoPromotionPauseDialogRequest,
} from '../AutoPromotionPauseDialog';
import { EnvironmentCard } from '../EnvironmentCard';
import { HistoryDialog } from '../HistoryDialog';
import { PipelineGraph } from '../PipelineGraph';
import { PromoteDialog, PromoteDialogRequest } from '../PromoteDialog';
import { TrackedPromotion } from '../PromotionProgress';
import { describeError, titleOf } from '../shared';

const useStyles = makeStyles((theme: Theme) => ({
  header: {
    display: 'flex',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(3),
  },
  promotions: {
    display: 'grid',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(3),
  },
  warning: {
    marginBottom: theme.spacing(3),
  },
}));

function NotConfigured(props: { name: string }) {
  return (
    <EmptyState
      missing="field"
      title="This service is not set up for GitOps Promotion"
      description={`Add the ${GITOPS_PROMOTION_SERVICE_ANNOTATION} annotation to the entity's catalog-info.yaml, naming the service in the GitOps repository. The Environments tab then shows its version in every environment.`}
      action={
        <CodeSnippet
          language="yaml"
          showCopyCodeButton
          text={`metadata:\n  annotations:\n    ${GITOPS_PROMOTION_SERVICE_ANNOTATION}: ${props.name}\n    # optional: one of the layouts in app-config (gitopsPromotion.layouts)\n    # gitops-promotion/layout: helm-env-dir`}
        />
      }
    />
  );
}

function ArgoCdWarning(props: { environments: EnvironmentView[] }) {
  const classes = useStyles();
  const unknown = props.environments.filter(
    e => e.status.state === 'unknown' && e.status.reason !== 'not-configured',
  );
  if (unknown.length === 0) return null;
  const messages = [
    ...new Set(
      unknown.map(e => (e.status.state === 'unknown' ? e.status.message : '')),
    ),
  ];
  return (
    <Box className={classes.warning}>
      <WarningPanel
        severity="warning"
        title={`Argo CD status unknown for ${unknown
          .map(e => e.title)
          .join(', ')}`}
        message={`Versions are read from git and still shown; sync and health are unknown. ${messages.join(
          ' ',
        )}`}
      />
    </Box>
  );
}

/** The Environments tab of one service. */
export function ServiceEnvironments(props: { entityRef: string }) {
  const { entityRef } = props;
  const classes = useStyles();
  const { value, loading, error, retry } = useEnvironments(entityRef);
  const [promoteRequest, setPromoteRequest] = useState<PromoteDialogRequest>();
  const [historyFor, setHistoryFor] = useState<EnvironmentView>();
  const [decision, setDecision] = useState<ApprovalDialogRequest>();
  const [pauseRequest, setPauseRequest] =
    useState<AutoPromotionPauseDialogRequest>();
  // Promotions shown with live progress: in flight when the tab was opened,
  // or started here; kept (with their last state) until dismissed.
  const [tracked, setTracked] = useState<
    Array<{ id: string; target: string; initial?: PromotionRecord }>
  >([]);

  useEffect(() => {
    if (!value) return;
    const inFlight = value.environments.flatMap(env =>
      env.inFlight.map(p => ({ id: p.id, target: env.name })),
    );
    setTracked(prev => [
      ...prev,
      ...inFlight.filter(p => !prev.some(t => t.id === p.id)),
    ]);
  }, [value]);

  const onPromoted = useCallback(
    (promotion: PromotionRecord) => {
      setTracked(prev =>
        prev.some(t => t.id === promotion.id)
          ? prev
          : [
              {
                id: promotion.id,
                target: promotion.targetEnv,
                initial: promotion,
              },
              ...prev,
            ],
      );
      retry();
    },
    [retry],
  );

  const onDecided = useCallback(() => {
    setDecision(undefined);
    retry();
  }, [retry]);
  const onPauseChanged = useCallback(() => {
    setPauseRequest(undefined);
    retry();
  }, [retry]);

  if (loading && !value) {
    return <Progress />;
  }
  if (error && !value) {
    return (
      <>
        <ErrorPanel
          error={error}
          title={`Could not load the environments: ${
            describeError(error).message
          }`}
        />
        <Box mt={2}>
          <Button variant="outlined" color="primary" onClick={retry}>
            Retry
          </Button>
        </Box>
      </>
    );
  }
  const environments = value?.environments ?? [];
  if (environments.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No environments to show"
        description="No environments are configured under gitopsPromotion.environments in app-config, or you may not read any of them."
      />
    );
  }

  const openPromote = (source: EnvironmentView, target: string) => {
    const targetEnv = environments.find(e => e.name === target);
    if (targetEnv)
      setPromoteRequest({ kind: 'promote', source, target: targetEnv });
  };
  const openRollback = (
    target: EnvironmentView,
    entry: EnvironmentHistoryEntry,
  ) => {
    // Every value of the bundle as that commit left it: a rollback sets them all.
    if (!entry.versions) return;
    setPromoteRequest({
      kind: 'rollback',
      target,
      versions: entry.versions,
      commitSha: entry.commitSha,
    });
  };

  return (
    <>
      <div className={classes.header}>
        <div>
          <Typography variant="h5" component="h2">
            Environments
          </Typography>
          <Typography variant="body2" color="textSecondary">
            Versions of {value?.service} from the GitOps repository; sync and
            health from Argo CD.
          </Typography>
        </div>
        <Tooltip title="Refresh">
          <span>
            <IconButton
              aria-label="Refresh environments"
              onClick={retry}
              disabled={loading}
            >
              <RefreshIcon />
            </IconButton>
          </span>
        </Tooltip>
      </div>

      {error && (
        <Box className={classes.warning}>
          <WarningPanel
            severity="error"
            title="Could not refresh the environments"
            message={describeError(error).message}
          />
        </Box>
      )}
      <ArgoCdWarning environments={environments} />

      {tracked.length > 0 && (
        <section className={classes.promotions} aria-label="Promotions">
          {tracked.map(t => (
            <TrackedPromotion
              key={t.id}
              id={t.id}
              initial={t.initial}
              targetTitle={titleOf(environments, t.target)}
              onSettled={retry}
              onDismiss={() =>
                setTracked(prev => prev.filter(p => p.id !== t.id))
              }
            />
          ))}
        </section>
      )}

      <PipelineGraph
        environments={environments}
        renderEnvironment={env => (
          <EnvironmentCard
            environment={env}
            environments={environments}
            onPromote={openPromote}
            onHistory={setHistoryFor}
            onDecide={(target, promotion, kind) =>
              setDecision({ promotion, target, environments, decision: kind })
            }
            onAutoPromotion={(target, action) =>
              setPauseRequest({ action, environment: target, environments })
            }
          />
        )}
      />

      <HistoryDialog
        entityRef={entityRef}
        environment={historyFor}
        onClose={() => setHistoryFor(undefined)}
        onRollback={openRollback}
      />
      <ApprovalDialog
        request={decision}
        onClose={() => setDecision(undefined)}
        onDecided={onDecided}
        onStale={retry}
      />
      <AutoPromotionPauseDialog
        entityRef={entityRef}
        service={value?.service ?? entityRef}
        request={pauseRequest}
        onClose={() => setPauseRequest(undefined)}
        onDone={onPauseChanged}
      />
      <PromoteDialog
        entityRef={entityRef}
        request={promoteRequest}
        onClose={() => setPromoteRequest(undefined)}
        onPromoted={onPromoted}
      />
    </>
  );
}

/**
 * The entity content "Environments": the service's pipeline with versions,
 * Argo CD status, gates, promote, approvals, pausing automatic promotion,
 * progress, history and rollback.
 *
 * @public
 */
export function EnvironmentsContent() {
  const { entity } = useEntity();
  if (!isGitopsPromotionAvailable(entity)) {
    return <NotConfigured name={entity.metadata.name} />;
  }
  return <ServiceEnvironments entityRef={stringifyEntityRef(entity)} />;
}
