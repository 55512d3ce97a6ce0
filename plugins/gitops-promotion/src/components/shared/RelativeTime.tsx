import { DateTime } from 'luxon';

/**
 * A point in time as "3 hours ago", with the absolute time in the title and
 * in a `<time>` element for assistive technology.
 */
export function RelativeTime(props: { value: string; prefix?: string }) {
  const { value, prefix } = props;
  const time = DateTime.fromISO(value);
  if (!time.isValid) {
    return <span>{value}</span>;
  }
  const absolute = time.toLocaleString(DateTime.DATETIME_MED);
  return (
    <time dateTime={time.toISO() ?? value} title={absolute}>
      {prefix}
      {time.toRelative() ?? absolute}
    </time>
  );
}
