import {
  Content,
  EmptyState,
  ErrorPanel,
  Header,
  Page,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import {
  Button,
  IconButton,
  makeStyles,
  Tab,
  Tabs,
  Theme,
  Tooltip,
  Typography,
} from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  MatrixEnvironment,
  MatrixService,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMatrix, useOwnership } from '../../hooks';
import {
  AutoPromotionPauseDialog,
  AutoPromotionPauseDialogRequest,
} from '../AutoPromotionPauseDialog';
import { describeError } from '../shared';
import { DeliveryFigures } from './DeliveryFigures';
import { MatrixFilters } from './MatrixFilters';
import {
  filterServices,
  MATRIX_SORTS,
  MatrixFilter,
  MatrixSort,
  sortServices,
  toCsv,
} from './matrixModel';
import { MatrixTable } from './MatrixTable';
import { ReleaseTrainDialog } from './ReleaseTrainDialog';
import { downloadCsv } from '../shared/csv';

const useStyles = makeStyles((theme: Theme) => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
    minHeight: 40,
  },
  grow: { flexGrow: 1 },
  tabs: { marginBottom: theme.spacing(2) },
}));

/** Filters and sort live in the URL, so a view can be shared as a link. */
function useMatrixView() {
  const [params, setParams] = useSearchParams();
  const filter: MatrixFilter = {
    owner: params.get('owner') ?? 'mine',
    system: params.get('system') ?? undefined,
    lifecycle: params.get('lifecycle') ?? undefined,
    text: params.get('q') ?? '',
  };
  const sort =
    MATRIX_SORTS.find(s => s.value === params.get('sort'))?.value ?? 'name';
  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      current => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  return {
    filter,
    sort,
    setFilter: (f: MatrixFilter) =>
      update({
        owner: f.owner === 'mine' ? undefined : f.owner,
        system: f.system,
        lifecycle: f.lifecycle,
        q: f.text,
      }),
    setSort: (s: MatrixSort) => update({ sort: s === 'name' ? undefined : s }),
  };
}

/**
 * The team view: every service × environment with versions, Argo CD state
 * and what stands out; release trains; delivery figures; CSV export.
 */
export function MatrixPage() {
  const classes = useStyles();
  const matrix = useMatrix();
  const ownership = useOwnership();
  const { filter, sort, setFilter, setSort } = useMatrixView();
  const [tab, setTab] = useState<'matrix' | 'delivery'>('matrix');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // The train keeps the services it was opened with while the selection clears.
  const [train, setTrain] = useState<MatrixService[]>();
  const [pauseRequest, setPauseRequest] = useState<
    AutoPromotionPauseDialogRequest & { everyService: true }
  >();

  const all = useMemo(() => matrix.value?.services ?? [], [matrix.value]);
  const environments = matrix.value?.environments ?? [];
  const lagPending = matrix.value?.lagPending ?? false;
  const shown = useMemo(
    () =>
      sortServices(filterServices(all, filter, ownership.value ?? []), sort),
    // filter by value: the URL gives a new object every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [
      all,
      ownership.value,
      sort,
      filter.owner,
      filter.system,
      filter.lifecycle,
      filter.text,
    ],
  );

  const toggle = useCallback((entityRef: string) => {
    setSelected(current => {
      const next = new Set(current);
      if (!next.delete(entityRef)) next.add(entityRef);
      return next;
    });
  }, []);
  const toggleAll = (select: boolean) =>
    setSelected(current => {
      const next = new Set(current);
      for (const s of shown) {
        if (select) next.add(s.entityRef);
        else next.delete(s.entityRef);
      }
      return next;
    });

  const { retry } = matrix;
  const onAutoPromotion = useCallback(
    (environment: MatrixEnvironment, action: 'pause' | 'resume') =>
      setPauseRequest({
        action,
        environment,
        environments: matrix.value?.environments ?? [],
        everyService: true,
      }),
    [matrix.value],
  );
  const onPauseChanged = useCallback(() => {
    setPauseRequest(undefined);
    retry();
  }, [retry]);

  const owners = useMemo(() => {
    if (filter.owner === 'all') return undefined;
    return filter.owner === 'mine' ? ownership.value : [filter.owner];
  }, [filter.owner, ownership.value]);
  const loading = matrix.loading || ownership.loading;

  let body;
  if (matrix.error && !matrix.value) {
    body = (
      <ErrorPanel error={matrix.error} title="Could not load the matrix" />
    );
  } else if (!matrix.value && loading) {
    body = <Progress />;
  } else if (all.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No services yet"
        description="Annotate a catalog entity with gitops-promotion/service to see it here."
      />
    );
  } else if (tab === 'delivery') {
    body = (
      <DeliveryFigures
        owners={owners}
        environments={environments}
        titleOf={service =>
          all.find(s => s.service === service)?.title ?? service
        }
      />
    );
  } else {
    body = (
      <>
        {matrix.error && (
          <WarningPanel
            severity="error"
            title="Could not refresh the matrix"
            message={describeError(matrix.error).message}
          />
        )}
        <MatrixFilters
          services={all}
          filter={filter}
          sort={sort}
          onFilter={setFilter}
          onSort={setSort}
        />
        <div className={classes.toolbar}>
          <Typography role="status" variant="body2">
            Showing {shown.length} of {all.length} services
          </Typography>
          {selected.size > 0 && (
            <Typography variant="body2">{selected.size} selected</Typography>
          )}
          {lagPending && (
            <Typography variant="body2" color="textSecondary">
              Counting how far services are behind…
            </Typography>
          )}
          <span className={classes.grow} />
          <Button
            variant="contained"
            color="primary"
            disabled={selected.size === 0}
            onClick={() => setTrain(all.filter(s => selected.has(s.entityRef)))}
          >
            Promote selected together
          </Button>
          <Button
            startIcon={<GetAppIcon />}
            onClick={() =>
              downloadCsv(toCsv(environments, shown), 'environment-matrix')
            }
          >
            Export CSV
          </Button>
          <Tooltip title="Refresh">
            <IconButton aria-label="Refresh" onClick={matrix.retry}>
              <RefreshIcon />
            </IconButton>
          </Tooltip>
        </div>
        {shown.length === 0 && filter.owner === 'mine' && !filter.text ? (
          <EmptyState
            missing="data"
            title="Your groups own no services here"
            description="Show every service, or pick an owner."
            action={
              <Button
                variant="outlined"
                onClick={() => setFilter({ ...filter, owner: 'all' })}
              >
                Show all services
              </Button>
            }
          />
        ) : (
          <MatrixTable
            environments={environments}
            services={shown}
            lagPending={lagPending}
            loading={loading}
            selected={selected}
            onToggle={toggle}
            onToggleAll={toggleAll}
            onAutoPromotion={onAutoPromotion}
          />
        )}
        <AutoPromotionPauseDialog
          request={pauseRequest}
          onClose={() => setPauseRequest(undefined)}
          onDone={onPauseChanged}
        />
        {train && (
          <ReleaseTrainDialog
            open
            services={train}
            environments={environments}
            onClose={() => setTrain(undefined)}
            onPromoted={() => {
              setSelected(new Set());
              matrix.retry();
            }}
          />
        )}
      </>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Environments"
        subtitle="Every service in every environment, with Argo CD state"
      />
      <Content>
        <Tabs
          value={tab}
          onChange={(_, value) => setTab(value)}
          className={classes.tabs}
          aria-label="Views"
        >
          <Tab value="matrix" label="Matrix" />
          <Tab value="delivery" label="Delivery" />
        </Tabs>
        {body}
      </Content>
    </Page>
  );
}
