import { Link } from '@backstage/core-components';
import {
  Button,
  Card,
  CardActions,
  CardContent,
  Chip,
  makeStyles,
  Theme,
  Tooltip,
  Typography,
} from '@material-ui/core';
import AcUnitIcon from '@material-ui/icons/AcUnit';
import CallMergeIcon from '@material-ui/icons/CallMerge';
import HistoryIcon from '@material-ui/icons/History';
import LockIcon from '@material-ui/icons/Lock';
import PauseIcon from '@material-ui/icons/Pause';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import WarningIcon from '@material-ui/icons/Warning';
import {
  EnvironmentView,
  InFlightPromotion,
  PromoteOption,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { StatusChips } from '../StatusChips';
import { RelativeTime, visuallyHidden } from '../shared';
import { EnvironmentGates } from './EnvironmentGates';
import { ApprovalDecisionKind, InFlightNotices } from './InFlightNotices';
import { Notice } from './Notice';

const MONO =
  'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace';

const useStyles = makeStyles((theme: Theme) => ({
  card: {
    height: '100%',
    display: 'flex',
    flexDirection: 'column',
    borderTop: `3px solid ${theme.palette.primary.main}`,
  },
  behind: {
    color:
      theme.palette.type === 'dark'
        ? theme.palette.warning.light
        : theme.palette.warning.dark,
    fontWeight: 500,
  },
  content: {
    flex: 1,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
    paddingBottom: theme.spacing(1),
  },
  header: {
    display: 'flex',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
  },
  heading: {
    minWidth: 0,
  },
  history: {
    flexShrink: 0,
    marginTop: -2,
  },
  name: {
    fontFamily: MONO,
    color: theme.palette.text.secondary,
    marginRight: theme.spacing(0.5),
  },
  badges: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(0.25),
  },
  versionRow: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
  },
  version: {
    fontFamily: MONO,
    fontSize: '1.625rem',
    fontWeight: 600,
    lineHeight: 1.2,
    wordBreak: 'break-all',
  },
  hidden: visuallyHidden,
  values: {
    margin: 0,
    padding: 0,
    listStyle: 'none',
    fontFamily: MONO,
    fontSize: '0.8125rem',
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    columnGap: theme.spacing(1),
    rowGap: theme.spacing(0.5),
    margin: 0,
    fontSize: '0.875rem',
    '& dt': {
      color: theme.palette.text.secondary,
    },
    '& dd': {
      margin: 0,
      minWidth: 0,
      overflowWrap: 'anywhere',
    },
  },
  mono: {
    fontFamily: MONO,
    fontSize: '0.8125rem',
  },
  actions: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'stretch',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 2, 2),
    borderTop: `1px solid ${theme.palette.divider}`,
    '& > :not(:first-child)': {
      marginLeft: 0,
    },
  },
  promote: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  },
  reason: {
    color: theme.palette.text.secondary,
    fontSize: '0.8125rem',
  },
}));

const UNKNOWN_REASONS: Record<string, string> = {
  'instance-unreachable': 'Argo CD is unreachable',
  'access-denied': 'Argo CD refused access',
  'application-missing': 'No Argo CD application found',
  'not-configured': 'No Argo CD instance configured',
};

/**
 * Why the Promote button is disabled, or undefined when it is not. The
 * backend decides (permission, with the policy's conditions on the service,
 * and every rule); the page adds only what it sees itself.
 */
function promoteBlocker(options: {
  source: EnvironmentView;
  target?: EnvironmentView;
  targetTitle: string;
  option: PromoteOption;
}): string | undefined {
  const { source, target, targetTitle, option } = options;
  if (!option.allowed) {
    return (
      option.reasons.join(' ') || `Promoting to ${targetTitle} is refused.`
    );
  }
  if (target?.inFlight.some(p => p.state === 'awaiting-approval')) {
    return `A promotion to ${targetTitle} awaits approval.`;
  }
  if (target?.inFlight.length) {
    return `A promotion to ${targetTitle} is in progress.`;
  }
  if (
    source.version !== undefined &&
    target &&
    source.values.length === target.values.length &&
    source.values.every((v, i) => v.value === target.values[i].value)
  ) {
    return `${targetTitle} already runs ${source.version}.`;
  }
  return undefined;
}

function PromoteButton(props: {
  source: EnvironmentView;
  target?: EnvironmentView;
  option: PromoteOption;
  onPromote: (target: string) => void;
}) {
  const { source, target, option, onPromote } = props;
  const classes = useStyles();
  const targetTitle = target?.title ?? option.target;
  const blocker = promoteBlocker({ source, target, targetTitle, option });
  const reasonId = `promote-${source.name}-${option.target}-reason`;
  const button = (
    <Button
      variant={blocker ? 'outlined' : 'contained'}
      color="primary"
      disabled={Boolean(blocker)}
      onClick={() => onPromote(option.target)}
      aria-describedby={blocker ? reasonId : undefined}
      fullWidth
    >
      Promote to {targetTitle}
    </Button>
  );
  return (
    <div className={classes.promote}>
      {/* Always wrapped, so the button keeps its identity (and focus) when a reason appears */}
      <Tooltip title={blocker ?? ''}>
        <span>{button}</span>
      </Tooltip>
      {blocker && (
        <Typography id={reasonId} className={classes.reason}>
          {blocker}
        </Typography>
      )}
    </div>
  );
}

function lagText(environment: EnvironmentView, upstreamTitle: string) {
  const { lag } = environment;
  if (!lag) return undefined;
  if (lag.versionsBehind === 0) return `Up to date with ${upstreamTitle}`;
  if (lag.upstreamVersion === undefined) return undefined;
  if (lag.versionsBehind === undefined) {
    return `Behind ${upstreamTitle} (${lag.upstreamVersion})`;
  }
  return `${lag.versionsBehind} version${
    lag.versionsBehind === 1 ? '' : 's'
  } behind ${upstreamTitle} (${lag.upstreamVersion})`;
}

export type AutoPromotionPauseAction = 'pause' | 'resume';

/**
 * Pause or Resume automatic promotion of the service into the environment,
 * for a user who may; none while the whole environment is paused (that
 * pause is not the service's to lift).
 */
function autoPromotionAction(
  environment: EnvironmentView,
): AutoPromotionPauseAction | undefined {
  const { gates } = environment;
  if (!gates?.autoPromotesFrom?.length || !environment.mayPausePromotion) {
    return undefined;
  }
  if (gates.autoPromotionPaused) return undefined;
  return environment.autoPromotionPaused ? 'resume' : 'pause';
}

function AutoPromotionButton(props: {
  environment: EnvironmentView;
  action: AutoPromotionPauseAction;
  onClick: () => void;
}) {
  const { environment, action, onClick } = props;
  const label =
    action === 'pause' ? 'Pause auto-promotion' : 'Resume auto-promotion';
  return (
    <Button
      variant="outlined"
      startIcon={action === 'pause' ? <PauseIcon /> : <PlayArrowIcon />}
      onClick={onClick}
      aria-label={`${label} into ${environment.title}`}
      fullWidth
    >
      {label}
    </Button>
  );
}

/**
 * One environment of a service: version(s) from git, Argo CD sync and health,
 * drift and lag, the last deployment, its gates, open pull requests,
 * promotions under way or awaiting approval, and what the user may do
 * (Promote per downstream, History, Approve or Reject, Pause or Resume
 * automatic promotion).
 */
export function EnvironmentCard(props: {
  environment: EnvironmentView;
  environments: EnvironmentView[];
  onPromote: (source: EnvironmentView, target: string) => void;
  onHistory: (environment: EnvironmentView) => void;
  onDecide: (
    environment: EnvironmentView,
    promotion: InFlightPromotion,
    decision: ApprovalDecisionKind,
  ) => void;
  onAutoPromotion: (
    environment: EnvironmentView,
    action: AutoPromotionPauseAction,
  ) => void;
}) {
  const { environment, environments, onPromote, onHistory } = props;
  const { onDecide, onAutoPromotion } = props;
  const autoAction = autoPromotionAction(environment);
  const { lastChange } = environment;
  const classes = useStyles();
  const { status } = environment;
  const byName = (name: string) => environments.find(e => e.name === name);
  const upstreamTitle = environment.lag
    ? byName(environment.lag.upstream)?.title ?? environment.lag.upstream
    : undefined;
  const lag = upstreamTitle ? lagText(environment, upstreamTitle) : undefined;
  const behind = Boolean(environment.lag?.versionsBehind);
  const deployedAt =
    status.state === 'known' ? status.lastDeployedAt : undefined;
  const headingId = `environment-${environment.name}-title`;

  return (
    <Card
      variant="outlined"
      className={classes.card}
      component="article"
      aria-labelledby={headingId}
    >
      <CardContent className={classes.content}>
        <div className={classes.header}>
          <div className={classes.heading}>
            <Typography variant="h6" component="h3" id={headingId}>
              {environment.title}
            </Typography>
            <div className={classes.badges}>
              <Typography
                variant="body2"
                component="span"
                className={classes.name}
              >
                {environment.name}
              </Typography>
              {environment.protected && (
                <Chip
                  size="small"
                  icon={<LockIcon />}
                  label="Protected"
                  title="Only immutable versions may be promoted here"
                />
              )}
              {environment.mode === 'pull-request' && (
                <Chip size="small" icon={<CallMergeIcon />} label="Via PR" />
              )}
              {environment.frozen.map(window => (
                <Chip
                  key={window}
                  size="small"
                  icon={<AcUnitIcon />}
                  label={`Frozen: ${window}`}
                  title={`The freeze window "${window}" is active`}
                />
              ))}
            </div>
          </div>
          <Button
            size="small"
            startIcon={<HistoryIcon />}
            onClick={() => onHistory(environment)}
            aria-label={`History of ${environment.title}`}
            className={classes.history}
          >
            History
          </Button>
        </div>

        <div className={classes.versionRow}>
          <Typography className={classes.version} component="p">
            <span className={classes.hidden}>Version </span>
            {environment.version ?? 'not set'}
          </Typography>
          <StatusChips status={status} />
        </div>
        {environment.values.length > 1 && (
          <ul className={classes.values} aria-label="Values">
            {environment.values.map(v => (
              <li key={`${v.path}#${v.key}`} title={v.path}>
                {v.key}: {v.value ?? v.problem ?? 'not set'}
              </li>
            ))}
          </ul>
        )}
        {environment.values.length === 1 && environment.values[0].problem && (
          <Typography variant="body2" color="error">
            {environment.values[0].problem}
          </Typography>
        )}

        {status.state === 'unknown' && (
          <Notice
            tone="unknown"
            icon={<WarningIcon />}
            label="Argo CD status unknown"
          >
            <strong>
              {UNKNOWN_REASONS[status.reason] ?? 'Status unknown'}.
            </strong>{' '}
            {status.message} The version shown is read from git.
          </Notice>
        )}

        {environment.drift && (
          <Notice tone="warning" icon={<WarningIcon />} label="Drift">
            <strong>Drift:</strong> git wants{' '}
            <span className={classes.mono}>{environment.drift.desired}</span>,
            live runs{' '}
            <span className={classes.mono}>
              {environment.drift.live.join(', ')}
            </span>
            .
          </Notice>
        )}

        <dl className={classes.facts}>
          {lag && (
            <>
              <dt>Lag</dt>
              <dd className={behind ? classes.behind : undefined}>
                {lag}
                {behind && environment.lag?.behindSince && (
                  <>
                    {' '}
                    <RelativeTime
                      value={environment.lag.behindSince}
                      prefix="since "
                    />
                  </>
                )}
              </dd>
            </>
          )}
          {(deployedAt || lastChange) && (
            <>
              <dt>Deployed</dt>
              <dd>
                <RelativeTime value={deployedAt ?? lastChange!.date} />
                {lastChange && (
                  <>
                    {' '}
                    by{' '}
                    <span title={lastChange.author.email}>
                      {lastChange.author.name}
                    </span>
                  </>
                )}
              </dd>
            </>
          )}
          {status.state === 'known' && status.images.length > 0 && (
            <>
              <dt>Live</dt>
              <dd className={classes.mono}>{status.images.join(', ')}</dd>
            </>
          )}
        </dl>

        <EnvironmentGates
          environment={environment}
          environments={environments}
        />

        {environment.openPullRequests.map(pr => (
          <Notice
            key={pr.id}
            tone="info"
            icon={<CallMergeIcon />}
            label="Open pull request"
          >
            <Link to={pr.url}>Pull request #{pr.number}</Link> is open.
          </Notice>
        ))}
        <InFlightNotices
          environment={environment}
          environments={environments}
          onDecide={(promotion, decision) =>
            onDecide(environment, promotion, decision)
          }
        />
      </CardContent>
      {(environment.promote.length > 0 || autoAction) && (
        <CardActions className={classes.actions}>
          {environment.promote.map(option => (
            <PromoteButton
              key={option.target}
              source={environment}
              target={byName(option.target)}
              option={option}
              onPromote={target => onPromote(environment, target)}
            />
          ))}
          {autoAction && (
            <AutoPromotionButton
              environment={environment}
              action={autoAction}
              onClick={() => onAutoPromotion(environment, autoAction)}
            />
          )}
        </CardActions>
      )}
    </Card>
  );
}
