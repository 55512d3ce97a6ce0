import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  InputLabel,
  makeStyles,
  MenuItem,
  Select,
  Theme,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import {
  BulkPromotionPreviewResponse,
  BulkPromotionRequest,
  BulkPromotionResponse,
  MatrixEnvironment,
  MatrixService,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useEffect, useMemo, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsPromotionApiRef } from '../../api';
import { useSubmit } from '../../hooks';
import { DiffView } from '../DiffView';
import { VerdictList } from '../PromoteDialog';
import {
  RetryAlert,
  SubmitErrorAlert,
  describeError,
  newIdempotencyKey,
  shortSha,
  titleOf as envTitleOf,
} from '../shared';
import { bestPathIndex, promotionPaths } from './matrixModel';

const useStyles = makeStyles((theme: Theme) => ({
  controls: {
    display: 'flex',
    gap: theme.spacing(3),
    alignItems: 'center',
    flexWrap: 'wrap',
    marginBottom: theme.spacing(2),
  },
  path: { minWidth: 260 },
  summary: { display: 'flex', flexDirection: 'column' },
  refused: { color: theme.palette.error.main },
  result: { marginTop: theme.spacing(2) },
}));

type ServicePreview = BulkPromotionPreviewResponse['services'][number];
type PlannedPreview = Extract<ServicePreview, { preview: unknown }>;

function isPlanned(entry: ServicePreview): entry is PlannedPreview {
  return 'preview' in entry;
}

/** Planned, allowed and changing something: what a confirm promotes. */
function isPromotable(entry: ServicePreview): entry is PlannedPreview {
  return (
    isPlanned(entry) && entry.preview.allowed && entry.preview.edits.length > 0
  );
}

/** Why the preview leaves a service out of the train. */
function leftOutReason(entry: ServicePreview) {
  if (!isPlanned(entry)) return entry.refusal;
  const failed = entry.preview.verdicts.filter(v => !v.passed);
  if (failed.length > 0) return failed.map(v => v.message).join(' ');
  return 'already runs these versions';
}

function ServicePreviewItem(props: { entry: ServicePreview; title: string }) {
  const { entry, title } = props;
  const classes = useStyles();
  if (!isPlanned(entry)) {
    return (
      <Accordion disabled>
        <AccordionSummary>
          <div className={classes.summary}>
            <Typography variant="subtitle2">{title}</Typography>
            <Typography variant="body2" className={classes.refused}>
              Refused: {entry.refusal}
            </Typography>
          </div>
        </AccordionSummary>
      </Accordion>
    );
  }
  const { preview } = entry;
  const edits = preview.edits
    .map(e => `${e.from ?? '(unset)'} → ${e.to}`)
    .join(', ');
  const failed = preview.verdicts.filter(v => !v.passed);
  let outcome = `Will promote ${edits}`;
  if (failed.length > 0) {
    outcome = `Refused: ${failed.map(v => v.message).join(' ')}`;
  } else if (preview.edits.length === 0) {
    outcome = 'Already runs these versions';
  }
  return (
    <Accordion>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <div className={classes.summary}>
          <Typography variant="subtitle2">{title}</Typography>
          <Typography
            variant="body2"
            className={preview.allowed ? undefined : classes.refused}
          >
            {outcome}
          </Typography>
        </div>
      </AccordionSummary>
      <AccordionDetails className={classes.summary}>
        {preview.diff && (
          <DiffView diff={preview.diff} label={`Change to ${title}`} />
        )}
        <VerdictList verdicts={preview.verdicts} />
      </AccordionDetails>
    </Accordion>
  );
}

function PromotedResult(props: {
  result: BulkPromotionResponse;
  /** Services the preview left out, which the confirm did not send. */
  notSent: Array<{ entityRef: string; reason: string }>;
  titleOf: (entityRef: string) => string;
}) {
  const { result, notSent, titleOf } = props;
  const refused = [
    ...result.refused,
    ...notSent.filter(
      n => !result.refused.some(r => r.entityRef === n.entityRef),
    ),
  ];
  const classes = useStyles();
  const [first] = result.promotions;
  let where = '';
  if (first?.pullRequest)
    where = ` in pull request #${first.pullRequest.number}`;
  else if (first?.commitSha) where = ` in commit ${shortSha(first.commitSha)}`;
  return (
    <div className={classes.result} role="status">
      <Alert severity="success">
        Promoted {result.promotions.length} service
        {result.promotions.length === 1 ? '' : 's'} together{where}:{' '}
        {result.promotions.map(p => p.service).join(', ')}.
      </Alert>
      {refused.length > 0 && (
        <Alert severity="warning">
          Left out:{' '}
          {refused.map(r => `${titleOf(r.entityRef)} (${r.reason})`).join('; ')}
        </Alert>
      )}
    </div>
  );
}

/**
 * A release train: the selected services from one environment to the next in
 * one commit or pull request, with a combined preview. Refused services are
 * listed and left out, unless the user asks for all or nothing. The confirm
 * writes exactly what the preview showed (its commit and each service's
 * versions) or nothing: when anything moved, it offers a refreshed preview.
 */
export function ReleaseTrainDialog(props: {
  open: boolean;
  services: MatrixService[];
  environments: MatrixEnvironment[];
  onClose: () => void;
  onPromoted: () => void;
}) {
  const { open, services, environments, onClose } = props;
  const classes = useStyles();
  const api = useApi(gitopsPromotionApiRef);
  const paths = useMemo(() => promotionPaths(environments), [environments]);
  const [pathIndex, setPathIndex] = useState(() =>
    bestPathIndex(environments, services),
  );
  const [allOrNothing, setAllOrNothing] = useState(false);
  const path = paths[pathIndex];
  const entityRefs = services.map(s => s.entityRef);
  const refsKey = entityRefs.join('\n');
  const titleOf = (entityRef: string) =>
    services.find(s => s.entityRef === entityRef)?.title ?? entityRef;
  const titleOfEnv = (name: string) => envTitleOf(environments, name);

  const preview = useAsyncRetry(async () => {
    if (!open || !path || entityRefs.length === 0) return undefined;
    return api.previewBulkPromotion({ entityRefs, ...path });
    // entityRefs by content
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, open, path?.source, path?.target, refsKey]);

  // One key per preview (and choice of all or nothing): a double click or a
  // retry of the confirm makes one train; a refreshed preview gets a new key.
  const idempotencyKey = useMemo(
    () => newIdempotencyKey(),
    [preview.value, allOrNothing], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const {
    state: promotion,
    submit,
    reset: resetPromotion,
  } = useSubmit(
    async (request: BulkPromotionRequest) => {
      const value = await api.promoteBulk(request, { idempotencyKey });
      props.onPromoted();
      return value;
    },
    [api, idempotencyKey, props.onPromoted],
  );
  // A new preview is a new train: what went wrong with the last one is gone.
  const promoted = Boolean(promotion.value);
  useEffect(() => {
    if (!promoted) resetPromotion();
  }, [preview.value]); // eslint-disable-line react-hooks/exhaustive-deps

  // Refreshing removes the focused button: focus the confirm once the new
  // preview is there.
  const confirmRef = useRef<HTMLButtonElement>(null);
  const refreshing = useRef<{ from?: BulkPromotionPreviewResponse }>();
  useEffect(() => {
    const pending = refreshing.current;
    if (!pending || preview.loading) return;
    if (preview.value === pending.from && !preview.error) return;
    refreshing.current = undefined;
    confirmRef.current?.focus();
  }, [preview.value, preview.error, preview.loading]);
  const refresh = () => {
    refreshing.current = { from: preview.value };
    resetPromotion();
    preview.retry();
  };

  const entries = preview.value?.services ?? [];
  const promotable = entries.filter(isPromotable);
  const notSent = entries
    .filter(e => !isPromotable(e))
    .map(e => ({ entityRef: e.entityRef, reason: leftOutReason(e) }));
  const outdated = describeError(promotion.error).status === 409;
  const blocked =
    promotable.length === 0 ||
    (allOrNothing && promotable.length < entries.length) ||
    outdated;

  // The services the preview can promote, each pinned to the versions it
  // showed, on the one commit it was computed on.
  const promote = async () => {
    const reviewed = preview.value;
    if (!reviewed || !path) return;
    const request: BulkPromotionRequest = {
      entityRefs: promotable.map(e => e.entityRef),
      ...path,
      allOrNothing,
      baseCommit: reviewed.baseCommit,
      pins: promotable.map(e => ({
        entityRef: e.entityRef,
        versions: e.preview.versions,
        sourceCommit: e.preview.sourceCommit,
      })),
    };
    await submit(request);
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="release-train-title"
    >
      <DialogTitle id="release-train-title">
        Promote {services.length} service{services.length === 1 ? '' : 's'}{' '}
        together
      </DialogTitle>
      <DialogContent>
        <div className={classes.controls}>
          <FormControl className={classes.path} size="small">
            <InputLabel id="release-train-path-label">From → to</InputLabel>
            <Select
              labelId="release-train-path-label"
              value={pathIndex}
              onChange={e => setPathIndex(Number(e.target.value))}
              disabled={Boolean(promotion.value) || promotion.loading}
            >
              {paths.map((p, i) => (
                <MenuItem key={`${p.source}>${p.target}`} value={i}>
                  {titleOfEnv(p.source)} → {titleOfEnv(p.target)}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <FormControlLabel
            control={
              <Checkbox
                checked={allOrNothing}
                onChange={e => setAllOrNothing(e.target.checked)}
                disabled={Boolean(promotion.value)}
              />
            }
            label="All or nothing"
          />
        </div>
        {preview.loading && <Progress />}
        {preview.error && (
          <RetryAlert
            title="The preview failed"
            error={preview.error}
            onRetry={preview.retry}
          />
        )}
        {preview.value && (
          <section aria-label="Combined preview">
            <Typography variant="body2" gutterBottom>
              {promotable.length} of {entries.length} can be promoted; they land
              in one{' '}
              {environments.find(e => e.name === path?.target)?.mode ===
              'pull-request'
                ? 'pull request'
                : 'commit'}
              .
            </Typography>
            {entries.map(entry => (
              <ServicePreviewItem
                key={entry.entityRef}
                entry={entry}
                title={titleOf(entry.entityRef)}
              />
            ))}
          </section>
        )}
        {promotion.error && (
          <SubmitErrorAlert
            error={promotion.error}
            onRefresh={refresh}
            subject="the train"
            failedTitle="The release train failed"
          />
        )}
        {promotion.value && (
          <PromotedResult
            result={promotion.value}
            notSent={notSent}
            titleOf={titleOf}
          />
        )}
      </DialogContent>
      <DialogActions>
        {outdated && (
          <Typography variant="body2" id="release-train-outdated">
            Nothing was committed: refresh the preview first.
          </Typography>
        )}
        <Button onClick={onClose}>
          {promotion.value ? 'Close' : 'Cancel'}
        </Button>
        {!promotion.value && (
          <Button
            color="primary"
            variant="contained"
            onClick={promote}
            ref={confirmRef}
            disabled={blocked || preview.loading || promotion.loading}
            aria-describedby={outdated ? 'release-train-outdated' : undefined}
          >
            {promotion.loading
              ? 'Promoting…'
              : `Promote ${promotable.length} to ${titleOfEnv(
                  path?.target ?? '',
                )}`}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
