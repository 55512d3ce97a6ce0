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
  BulkPromotionResponse,
  MatrixEnvironment,
  MatrixService,
} from '@internal/backstage-plugin-gitops-promotion-common';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { gitopsPromotionApiRef } from '../../api';
import { DiffView } from '../DiffView';
import { VerdictList } from '../PromoteDialog';
import { describeError, newIdempotencyKey, shortSha } from '../shared';
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

function isPlanned(
  entry: ServicePreview,
): entry is Extract<ServicePreview, { preview: unknown }> {
  return 'preview' in entry;
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
  titleOf: (entityRef: string) => string;
}) {
  const { result, titleOf } = props;
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
      {result.refused.length > 0 && (
        <Alert severity="warning">
          Left out:{' '}
          {result.refused
            .map(r => `${titleOf(r.entityRef)} (${r.reason})`)
            .join('; ')}
        </Alert>
      )}
    </div>
  );
}

/**
 * A release train: the selected services from one environment to the next in
 * one commit or pull request, with a combined preview. Refused services are
 * listed and left out, unless the user asks for all or nothing.
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
  const titleOfEnv = (name: string) =>
    environments.find(e => e.name === name)?.title ?? name;

  const preview = useAsync(async () => {
    if (!open || !path || entityRefs.length === 0) return undefined;
    return api.previewBulkPromotion({ entityRefs, ...path });
    // entityRefs by content
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, open, path?.source, path?.target, refsKey]);

  const [promotion, promote] = useAsyncFn(async () => {
    const result = await api.promoteBulk(
      { entityRefs, ...path!, allOrNothing },
      { idempotencyKey: newIdempotencyKey() },
    );
    props.onPromoted();
    return result;
  }, [api, refsKey, path?.source, path?.target, allOrNothing]);

  const entries = preview.value?.services ?? [];
  const promotable = entries.filter(e => isPlanned(e) && e.preview.allowed);
  const blocked =
    promotable.length === 0 ||
    (allOrNothing && promotable.length < entries.length);
  const error = preview.error ?? promotion.error;

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
        {error && (
          <Alert severity="error" role="alert">
            {describeError(error).message}
          </Alert>
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
        {promotion.value && (
          <PromotedResult result={promotion.value} titleOf={titleOf} />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>
          {promotion.value ? 'Close' : 'Cancel'}
        </Button>
        {!promotion.value && (
          <Button
            color="primary"
            variant="contained"
            onClick={promote}
            disabled={blocked || preview.loading || promotion.loading}
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
