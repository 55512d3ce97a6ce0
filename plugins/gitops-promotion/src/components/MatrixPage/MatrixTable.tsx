import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Checkbox,
  IconButton,
  makeStyles,
  Theme,
  Tooltip,
  Typography,
} from '@material-ui/core';
import AcUnitIcon from '@material-ui/icons/AcUnit';
import LockIcon from '@material-ui/icons/Lock';
import PauseIcon from '@material-ui/icons/Pause';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import {
  MatrixEnvironment,
  MatrixService,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { MatrixCellView } from './MatrixCellView';
import {
  autoPromotionAction,
  autoPromotionMark,
  cellContexts,
  columnSummary,
} from './matrixModel';

const ROW_HEIGHT = 84;

const useStyles = makeStyles((theme: Theme) => ({
  scroll: {
    overflow: 'auto',
    // The page scrolls the table, not the window: its header stays in view.
    height: 'calc(100vh - 340px)',
    minHeight: 360,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  table: {
    borderCollapse: 'separate',
    borderSpacing: 0,
    width: '100%',
    tableLayout: 'fixed',
  },
  head: {
    position: 'sticky',
    top: 0,
    zIndex: 1,
    background: theme.palette.background.paper,
    textAlign: 'left',
    verticalAlign: 'top',
    padding: theme.spacing(1, 1.5),
    borderBottom: `2px solid ${theme.palette.divider}`,
  },
  select: { width: 48 },
  serviceColumn: { width: '22%' },
  cell: {
    padding: theme.spacing(1, 1.5),
    verticalAlign: 'top',
    borderBottom: `1px solid ${theme.palette.divider}`,
    height: ROW_HEIGHT,
    boxSizing: 'border-box',
    overflow: 'hidden',
  },
  rowHeader: {
    fontWeight: 'normal',
    textAlign: 'left',
  },
  selected: {
    background: theme.palette.action.selected,
  },
  owner: {
    color: theme.palette.text.secondary,
    display: 'block',
  },
  summary: {
    display: 'block',
    fontWeight: 'normal',
    color: theme.palette.text.secondary,
  },
  badges: {
    display: 'inline-flex',
    gap: theme.spacing(0.5),
    marginLeft: theme.spacing(0.5),
    verticalAlign: 'middle',
    '& svg': { fontSize: 16 },
  },
  frozen: { color: theme.palette.info.main },
  auto: {
    fontSize: theme.typography.caption.fontSize,
    fontWeight: 600,
    lineHeight: 1.4,
    padding: theme.spacing(0, 0.75),
    borderRadius: theme.shape.borderRadius,
    border: '1px solid currentColor',
    color: theme.palette.primary.main,
    whiteSpace: 'nowrap',
  },
  autoPaused: {
    color: theme.palette.text.secondary,
    borderStyle: 'dashed',
  },
  autoAction: {
    padding: 2,
    margin: theme.spacing(-0.25, 0),
  },
}));

/** Pausing or resuming automatic promotion into a column for every service. */
export type MatrixAutoPromotionHandler = (
  environment: MatrixEnvironment,
  action: 'pause' | 'resume',
) => void;

function ColumnHeader(props: {
  environment: MatrixEnvironment;
  environments: MatrixEnvironment[];
  services: MatrixService[];
  column: number;
  onAutoPromotion?: MatrixAutoPromotionHandler;
}) {
  const { environment, environments, services, column, onAutoPromotion } =
    props;
  const classes = useStyles();
  const summary = useMemo(
    () => columnSummary(services, column),
    [services, column],
  );
  const auto = autoPromotionMark(environment, environments);
  const autoAction = onAutoPromotion && autoPromotionAction(environment);
  return (
    <th scope="col" className={classes.head}>
      {environment.title}
      <span className={classes.badges}>
        {environment.protected && (
          <Tooltip title="Protected: only listed promoters">
            <LockIcon aria-label="protected" />
          </Tooltip>
        )}
        {environment.frozen.length > 0 && (
          <Tooltip title={`Frozen: ${environment.frozen.join(', ')}`}>
            <AcUnitIcon
              className={classes.frozen}
              aria-label={`frozen (${environment.frozen.join(', ')})`}
            />
          </Tooltip>
        )}
        {auto && (
          <Tooltip title={auto.description}>
            <span
              className={`${classes.auto} ${
                environment.gates?.autoPromotionPaused ? classes.autoPaused : ''
              }`}
            >
              {auto.label}
            </span>
          </Tooltip>
        )}
        {autoAction && (
          // One button whichever the action: focus stays on it after a reload.
          <Tooltip title={autoAction.label}>
            <IconButton
              size="small"
              className={classes.autoAction}
              aria-label={autoAction.label}
              onClick={() => onAutoPromotion?.(environment, autoAction.action)}
            >
              {autoAction.action === 'pause' ? (
                <PauseIcon />
              ) : (
                <PlayArrowIcon />
              )}
            </IconButton>
          </Tooltip>
        )}
      </span>
      <Typography variant="caption" className={classes.summary}>
        {summary.upToDate} up to date · {summary.behind} behind ·{' '}
        {summary.failing} failing
      </Typography>
    </th>
  );
}

/**
 * The services × environments table. Only the rows in view (plus a few) are
 * in the DOM, so thousands of services scroll smoothly.
 */
export function MatrixTable(props: {
  environments: MatrixEnvironment[];
  services: MatrixService[];
  /** The backend is still counting the lag: behind cells may have no count yet. */
  lagPending: boolean;
  loading: boolean;
  selected: ReadonlySet<string>;
  onToggle: (entityRef: string) => void;
  onToggleAll: (select: boolean) => void;
  /** Offered in the header of a column the user may pause (`mayPausePromotion`). */
  onAutoPromotion?: MatrixAutoPromotionHandler;
}) {
  const { environments, services, lagPending, loading, selected } = props;
  const classes = useStyles();
  const contexts = useMemo(
    () => cellContexts(environments, lagPending),
    [environments, lagPending],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: services.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 1200, height: 900 },
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom =
    items.length > 0
      ? virtualizer.getTotalSize() - items[items.length - 1].end
      : 0;
  const selectedShown = services.filter(s => selected.has(s.entityRef)).length;
  const columns = environments.length + 2;

  return (
    <div
      ref={scrollRef}
      className={classes.scroll}
      data-testid="matrix-scroll"
      // Scrollable region: keyboard users focus it to scroll.
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      role="region"
      aria-label="Environment matrix, scrollable"
    >
      <table
        className={classes.table}
        aria-label="Environment matrix"
        aria-busy={loading}
        aria-rowcount={services.length + 1}
      >
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col" className={`${classes.head} ${classes.select}`}>
              <Checkbox
                size="small"
                inputProps={{ 'aria-label': 'Select all services shown' }}
                checked={
                  services.length > 0 && selectedShown === services.length
                }
                indeterminate={
                  selectedShown > 0 && selectedShown < services.length
                }
                onChange={e => props.onToggleAll(e.target.checked)}
              />
            </th>
            <th
              scope="col"
              className={`${classes.head} ${classes.serviceColumn}`}
            >
              Service
            </th>
            {environments.map((environment, column) => (
              <ColumnHeader
                key={environment.name}
                environment={environment}
                environments={environments}
                services={services}
                column={column}
                onAutoPromotion={props.onAutoPromotion}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns} style={{ height: paddingTop }} />
            </tr>
          )}
          {items.map(item => {
            const service = services[item.index];
            const isSelected = selected.has(service.entityRef);
            return (
              <tr
                key={service.entityRef}
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                className={isSelected ? classes.selected : undefined}
              >
                <td className={classes.cell}>
                  <Checkbox
                    size="small"
                    checked={isSelected}
                    onChange={() => props.onToggle(service.entityRef)}
                    inputProps={{ 'aria-label': `Select ${service.title}` }}
                  />
                </td>
                <th
                  scope="row"
                  className={`${classes.cell} ${classes.rowHeader}`}
                >
                  <EntityRefLink
                    entityRef={service.entityRef}
                    title={service.title}
                  />
                  <Typography variant="caption" className={classes.owner}>
                    {[service.owner, service.system]
                      .filter(Boolean)
                      .map(ref => ref!.replace(/^[^:/]+:(default\/)?/, ''))
                      .join(' · ')}
                  </Typography>
                </th>
                {contexts.map((context, column) => {
                  // A service's cells are aligned with the environments.
                  const cell = service.cells[column];
                  return (
                    <td key={context.environment.name} className={classes.cell}>
                      {cell && <MatrixCellView cell={cell} context={context} />}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns} style={{ height: paddingBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
