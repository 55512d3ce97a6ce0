import { makeStyles, Theme } from '@material-ui/core';
import { visuallyHidden } from '../shared';

const useStyles = makeStyles((theme: Theme) => {
  const dark = theme.palette.type === 'dark';
  return {
    root: {
      margin: 0,
      padding: theme.spacing(1, 0),
      borderRadius: theme.shape.borderRadius,
      border: `1px solid ${theme.palette.divider}`,
      backgroundColor: dark ? '#1e1e1e' : '#fafbfc',
      fontFamily:
        'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace',
      fontSize: '0.8125rem',
      lineHeight: 1.6,
      overflowX: 'auto',
    },
    line: {
      whiteSpace: 'pre',
      padding: theme.spacing(0, 1.5),
      minWidth: 'fit-content',
    },
    added: {
      backgroundColor: dark ? 'rgba(46,160,67,0.25)' : '#e6ffec',
      color: dark ? '#aff5b4' : '#116329',
    },
    removed: {
      backgroundColor: dark ? 'rgba(248,81,73,0.25)' : '#ffebe9',
      color: dark ? '#ffdcd7' : '#82071e',
    },
    hunk: {
      color: theme.palette.info.main,
      backgroundColor: dark ? 'rgba(56,139,253,0.15)' : '#ddf4ff',
    },
    file: {
      fontWeight: 600,
      color: theme.palette.text.primary,
    },
    hidden: visuallyHidden,
  };
});

type LineKind = 'added' | 'removed' | 'hunk' | 'file' | 'context';

function kindOf(line: string): LineKind {
  if (line.startsWith('+++') || line.startsWith('---')) return 'file';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  return 'context';
}

const SPOKEN: Record<LineKind, string> = {
  added: 'added: ',
  removed: 'removed: ',
  hunk: '',
  file: '',
  context: '',
};

/**
 * A unified diff as a code block: added and removed lines keep their +/-
 * marker, get a background, and are announced as "added"/"removed".
 */
export function DiffView(props: { diff: string; label: string }) {
  const { diff, label } = props;
  const classes = useStyles();
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    // Focusable so keyboard users can scroll long lines.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <pre className={classes.root} aria-label={label} role="figure" tabIndex={0}>
      <code>
        {lines.map((line, i) => {
          const kind = kindOf(line);
          return (
            <div
              key={i}
              className={`${classes.line} ${
                kind === 'context' ? '' : classes[kind]
              }`}
              data-kind={kind}
            >
              {SPOKEN[kind] && (
                <span className={classes.hidden}>{SPOKEN[kind]}</span>
              )}
              <span>{line}</span>
            </div>
          );
        })}
      </code>
    </pre>
  );
}
