import { makeStyles, Theme } from '@material-ui/core';

const useStyles = makeStyles((theme: Theme) => ({
  bar: { fill: theme.palette.primary.main },
  empty: { fill: theme.palette.divider },
  median: { fill: theme.palette.primary.main },
  p90: { fill: theme.palette.primary.light },
  failed: { fill: theme.palette.error.main },
}));

/** Hours for people: minutes under an hour, days from two days on. */
export function hoursText(value?: number) {
  if (value === undefined) return '–';
  if (value >= 48) return `${Math.round(value / 24)} d`;
  if (value * 60 < 1) return '< 1 min';
  if (value < 1) return `${Math.round(value * 60)} min`;
  return `${value} h`;
}

/** A rate from 0 to 1 as a percentage, one decimal at most. */
export function percentText(rate?: number) {
  if (rate === undefined) return '–';
  return `${Math.round(rate * 1000) / 10}%`;
}

/** Deployments per week as small bars, oldest on the left. */
export function WeeklyBars(props: { weekly: number[]; label: string }) {
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

/** A median and a 90th percentile as two bars on one scale. */
export function DurationBars(props: {
  label: string;
  medianHours?: number;
  p90Hours?: number;
}) {
  const classes = useStyles();
  const { medianHours, p90Hours } = props;
  const max = Math.max(p90Hours ?? 0, medianHours ?? 0, 1);
  const width = 160;
  return (
    <svg
      role="img"
      aria-label={`${props.label} median ${hoursText(
        medianHours,
      )}, 90th percentile ${hoursText(p90Hours)}`}
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
  );
}

/** The change failure rate as the failed share of one bar. */
export function FailureRateBar(props: {
  label: string;
  /** From 0 to 1; absent without changes. */
  rate?: number;
  failures: number;
  changes: number;
}) {
  const classes = useStyles();
  const { rate, failures, changes } = props;
  const width = 160;
  return (
    <svg
      role="img"
      aria-label={`${props.label}: ${percentText(
        rate,
      )}, ${failures} of ${changes} changes failed`}
      width={width}
      height={10}
    >
      <rect width={width} height={10} className={classes.empty} />
      <rect
        width={(rate ?? 0) * width}
        height={10}
        className={classes.failed}
      />
    </svg>
  );
}
