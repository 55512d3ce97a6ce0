import { Progress } from '@backstage/core-components';
import {
  FormControl,
  InputLabel,
  makeStyles,
  MenuItem,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Theme,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  EnvironmentDeploymentFigures,
  LeadTimeFigures,
  MatrixEnvironment,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useState } from 'react';
import { useDeliveryFigures } from '../../hooks';
import { describeError } from '../shared';

const useStyles = makeStyles((theme: Theme) => ({
  header: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-end',
    marginBottom: theme.spacing(2),
  },
  cards: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(3),
  },
  card: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1.5),
  },
  figure: { fontSize: '1.5rem', fontWeight: 600 },
  bar: { fill: theme.palette.primary.main },
  empty: { fill: theme.palette.divider },
  median: { fill: theme.palette.primary.main },
  p90: { fill: theme.palette.primary.light },
}));

/** Deployments per week as small bars, oldest on the left. */
function WeeklyBars(props: { weekly: number[]; label: string }) {
  const classes = useStyles();
  const { weekly } = props;
  const max = Math.max(1, ...weekly);
  const width = 8;
  const height = 32;
  return (
    <svg
      role="img"
      aria-label={`${props.label}: ${weekly.join(', ')} per week, oldest first`}
      width={weekly.length * (width + 2)}
      height={height}
    >
      {weekly.map((count, i) => {
        const h = count === 0 ? 2 : Math.max(3, (count / max) * height);
        return (
          <rect
            key={i}
            x={i * (width + 2)}
            y={height - h}
            width={width}
            height={h}
            className={count === 0 ? classes.empty : classes.bar}
          />
        );
      })}
    </svg>
  );
}

function hours(value?: number) {
  if (value === undefined) return '–';
  return value >= 48 ? `${Math.round(value / 24)} d` : `${value} h`;
}

/** Median and 90th percentile as two bars on one scale. */
function LeadTimeBars(props: { leadTime: LeadTimeFigures }) {
  const classes = useStyles();
  const { medianHours, p90Hours, samples } = props.leadTime;
  if (!samples) {
    return (
      <Typography variant="body2">No production deployment measured</Typography>
    );
  }
  const max = Math.max(p90Hours ?? 0, medianHours ?? 0, 1);
  const width = 160;
  return (
    <>
      <svg
        role="img"
        aria-label={`Lead time median ${hours(
          medianHours,
        )}, 90th percentile ${hours(p90Hours)}`}
        width={width}
        height={22}
      >
        <rect
          y={0}
          height={9}
          width={((medianHours ?? 0) / max) * width}
          className={classes.median}
        />
        <rect
          y={12}
          height={9}
          width={((p90Hours ?? 0) / max) * width}
          className={classes.p90}
        />
      </svg>
      <Typography variant="body2">
        median {hours(medianHours)} · p90 {hours(p90Hours)} ({samples}{' '}
        deployment{samples === 1 ? '' : 's'})
      </Typography>
    </>
  );
}

function environmentFigures(
  figures: EnvironmentDeploymentFigures[],
  name: string,
  weeks: number,
): EnvironmentDeploymentFigures {
  return (
    figures.find(f => f.environment === name) ?? {
      environment: name,
      deployments: 0,
      perWeek: 0,
      weekly: new Array(weeks).fill(0),
    }
  );
}

/**
 * Deployment frequency per environment and lead time to production over the
 * last 30 or 90 days, for the owners' services and each service.
 */
export function DeliveryFigures(props: {
  owners: string[] | undefined;
  environments: MatrixEnvironment[];
  titleOf: (service: string) => string;
}) {
  const { owners, environments, titleOf } = props;
  const classes = useStyles();
  const [days, setDays] = useState(30);
  const { value, loading, error } = useDeliveryFigures(owners, days);
  const weeks = Math.ceil(days / 7);

  return (
    <section aria-labelledby="delivery-title">
      <div className={classes.header}>
        <Typography variant="h6" component="h2" id="delivery-title">
          Delivery
        </Typography>
        <FormControl size="small">
          <InputLabel id="delivery-days-label">Period</InputLabel>
          <Select
            labelId="delivery-days-label"
            value={days}
            onChange={e => setDays(Number(e.target.value))}
          >
            <MenuItem value={30}>Last 30 days</MenuItem>
            <MenuItem value={90}>Last 90 days</MenuItem>
          </Select>
        </FormControl>
      </div>
      {loading && <Progress />}
      {error && <Alert severity="error">{describeError(error).message}</Alert>}
      {value && (
        <>
          <div className={classes.cards}>
            {environments.map(env => {
              const figures = environmentFigures(
                value.total.environments,
                env.name,
                weeks,
              );
              return (
                <div key={env.name} className={classes.card}>
                  <Typography variant="subtitle2" component="h3">
                    {env.title}
                  </Typography>
                  <Typography className={classes.figure}>
                    {figures.perWeek}
                    <Typography variant="caption" component="span">
                      {' '}
                      per week
                    </Typography>
                  </Typography>
                  <WeeklyBars
                    weekly={figures.weekly}
                    label={`Deployments to ${env.title}`}
                  />
                  <Typography variant="caption" display="block">
                    {figures.deployments} deployments
                  </Typography>
                </div>
              );
            })}
            <div className={classes.card}>
              <Typography variant="subtitle2" component="h3">
                Lead time to production
              </Typography>
              <LeadTimeBars leadTime={value.total.leadTime} />
            </div>
          </div>
          <Table size="small" aria-label="Delivery figures per service">
            <TableHead>
              <TableRow>
                <TableCell>Service</TableCell>
                {environments.map(env => (
                  <TableCell key={env.name}>{env.title} / week</TableCell>
                ))}
                <TableCell>Lead time (median)</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.services.map(service => (
                <TableRow key={service.service}>
                  <TableCell component="th" scope="row">
                    {titleOf(service.service)}
                  </TableCell>
                  {environments.map(env => {
                    const figures = environmentFigures(
                      service.environments,
                      env.name,
                      weeks,
                    );
                    return (
                      <TableCell key={env.name}>
                        <WeeklyBars
                          weekly={figures.weekly}
                          label={`${titleOf(service.service)} to ${env.title}`}
                        />{' '}
                        {figures.perWeek}
                      </TableCell>
                    );
                  })}
                  <TableCell>{hours(service.leadTime.medianHours)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </section>
  );
}
