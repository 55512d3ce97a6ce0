import { Progress } from '@backstage/core-components';
import {
  Button,
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
import GetAppIcon from '@material-ui/icons/GetApp';
import { Alert } from '@material-ui/lab';
import {
  EnvironmentDeploymentFigures,
  LeadTimeFigures,
  MatrixEnvironment,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useState } from 'react';
import { useDeliveryFigures } from '../../hooks';
import { describeError, plural } from '../shared';
import {
  DurationBars,
  FailureRateBar,
  hoursText,
  percentText,
  WeeklyBars,
} from './DeliveryCharts';
import { environmentFigures, toDeliveryCsv } from './deliveryModel';
import { downloadCsv } from '../shared/csv';

const useStyles = makeStyles((theme: Theme) => ({
  header: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  grow: { flexGrow: 1 },
  cards: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(3),
  },
  card: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1.5),
  },
  figure: { fontSize: '1.5rem', fontWeight: 600 },
  measure: { marginTop: theme.spacing(1.5) },
  warning: { marginBottom: theme.spacing(2) },
}));

/** Median and 90th percentile of a lead time, or why there is none. */
function LeadTime(props: { leadTime: LeadTimeFigures }) {
  const { medianHours, p90Hours, samples } = props.leadTime;
  if (!samples) {
    return (
      <Typography variant="body2">No production deployment measured</Typography>
    );
  }
  return (
    <>
      <DurationBars
        label="Lead time"
        medianHours={medianHours}
        p90Hours={p90Hours}
      />
      <Typography variant="body2">
        median {hoursText(medianHours)} · p90 {hoursText(p90Hours)} (
        {plural(samples, 'deployment')})
      </Typography>
    </>
  );
}

/** Change failure rate and time to restore of one environment. */
function Failures(props: {
  figures: EnvironmentDeploymentFigures;
  title: string;
}) {
  const classes = useStyles();
  const { changes, failures, changeFailureRate, timeToRestore } = props.figures;
  const { medianHours, p90Hours, samples, unrestored } = timeToRestore;
  return (
    <>
      <div className={classes.measure}>
        <Typography variant="caption" component="h4">
          Change failure rate
        </Typography>
        <FailureRateBar
          label={`Change failure rate in ${props.title}`}
          rate={changeFailureRate}
          failures={failures}
          changes={changes}
        />
        <Typography variant="body2">
          {changes
            ? `${percentText(changeFailureRate)} · ${failures} of ${plural(
                changes,
                'change',
              )} failed`
            : 'No changes'}
        </Typography>
      </div>
      <div className={classes.measure}>
        <Typography variant="caption" component="h4">
          Time to restore
        </Typography>
        {samples > 0 && (
          <DurationBars
            label={`Time to restore in ${props.title}`}
            medianHours={medianHours}
            p90Hours={p90Hours}
          />
        )}
        <Typography variant="body2">
          {samples > 0
            ? `median ${hoursText(medianHours)} · p90 ${hoursText(p90Hours)}`
            : 'No failure restored'}
          {unrestored > 0 && ` · ${unrestored} not restored yet`}
        </Typography>
      </div>
    </>
  );
}

/**
 * The four delivery figures over the last 30 or 90 days, for the owners'
 * services together and for each service: deployments per environment
 * (weekly bars), lead time to production, change failure rate and time to
 * restore per environment; all of them as CSV.
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
        <span className={classes.grow} />
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
        <Button
          startIcon={<GetAppIcon />}
          disabled={!value}
          onClick={() =>
            value &&
            downloadCsv(toDeliveryCsv(value, environments), 'delivery-figures')
          }
        >
          Export delivery CSV
        </Button>
      </div>
      {loading && <Progress />}
      {error && <Alert severity="error">{describeError(error).message}</Alert>}
      {value?.warnings?.map(warning => (
        <Alert key={warning} severity="warning" className={classes.warning}>
          {warning}
        </Alert>
      ))}
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
                  {figures.outsideDeployments > 0 && (
                    <Typography variant="caption" display="block">
                      {figures.outsideDeployments} made outside the plugin
                    </Typography>
                  )}
                  <Failures figures={figures} title={env.title} />
                </div>
              );
            })}
            <div className={classes.card}>
              <Typography variant="subtitle2" component="h3">
                Lead time to production
              </Typography>
              <LeadTime leadTime={value.total.leadTime} />
            </div>
          </div>
          <Table size="small" aria-label="Delivery figures per service">
            <TableHead>
              <TableRow>
                <TableCell>Service</TableCell>
                {environments.map(env => (
                  <TableCell key={env.name}>{env.title}</TableCell>
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
                    const restore = figures.timeToRestore;
                    return (
                      <TableCell key={env.name}>
                        <WeeklyBars
                          weekly={figures.weekly}
                          label={`${titleOf(service.service)} to ${env.title}`}
                        />{' '}
                        {figures.perWeek} / week
                        <Typography variant="caption" display="block">
                          {figures.changes > 0
                            ? `${percentText(figures.changeFailureRate)} failed`
                            : 'no changes'}
                          {restore.samples > 0 &&
                            ` · restored in ${hoursText(restore.medianHours)}`}
                          {restore.unrestored > 0 &&
                            ` · ${restore.unrestored} not restored`}
                        </Typography>
                      </TableCell>
                    );
                  })}
                  <TableCell>
                    {hoursText(service.leadTime.medianHours)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </section>
  );
}
