import { makeStyles, Theme } from '@material-ui/core';
import { EnvironmentView } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import {
  ReactNode,
  useCallback,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { durationText, titleOf } from '../shared';

const GAP = 56;
const LABEL_LINE_HEIGHT = 12;

const useStyles = makeStyles((theme: Theme) => ({
  root: {
    position: 'relative',
    display: 'grid',
    columnGap: GAP,
    rowGap: theme.spacing(2),
    margin: 0,
    padding: 0,
    listStyle: 'none',
    [theme.breakpoints.down('sm')]: {
      gridTemplateColumns: '1fr !important',
    },
  },
  column: {
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    gap: theme.spacing(2),
    minWidth: 0,
  },
  node: {
    position: 'relative',
    zIndex: 1,
  },
  connectors: {
    position: 'absolute',
    inset: 0,
    width: '100%',
    height: '100%',
    overflow: 'visible',
    pointerEvents: 'none',
    [theme.breakpoints.down('sm')]: {
      display: 'none',
    },
  },
  edge: {
    fill: 'none',
    stroke: theme.palette.text.disabled,
    strokeWidth: 2,
  },
  auto: {
    stroke: theme.palette.primary.main,
  },
  paused: {
    strokeDasharray: '4 4',
  },
  arrow: {
    fill: theme.palette.text.disabled,
  },
  edgeLabel: {
    fontSize: 11,
    fontWeight: 600,
    fill: theme.palette.primary.main,
    // A halo of the page's colour keeps the text readable over the line.
    stroke: theme.palette.background.default,
    strokeWidth: 3,
    strokeLinejoin: 'round',
    paintOrder: 'stroke',
  },
}));

/**
 * The environments in columns by pipeline depth: an environment without an
 * upstream is in the first column, every other one a column right of its
 * furthest upstream (dev | staging | prod-eu, prod-us).
 */
export function pipelineColumns(
  environments: EnvironmentView[],
): EnvironmentView[][] {
  const byName = new Map(environments.map(e => [e.name, e]));
  const depths = new Map<string, number>();
  const depthOf = (env: EnvironmentView, seen: Set<string>): number => {
    const known = depths.get(env.name);
    if (known !== undefined) return known;
    const upstreams = env.promotesFrom
      .map(name => byName.get(name))
      .filter((e): e is EnvironmentView => Boolean(e) && !seen.has(e!.name));
    const depth = upstreams.length
      ? 1 +
        Math.max(
          ...upstreams.map(u => depthOf(u, new Set([...seen, env.name]))),
        )
      : 0;
    depths.set(env.name, depth);
    return depth;
  };
  const columns: EnvironmentView[][] = [];
  for (const env of environments) {
    const depth = depthOf(env, new Set());
    (columns[depth] ??= []).push(env);
  }
  return columns.filter(Boolean);
}

/** How `environment` is promoted from `upstream` automatically, if it is. */
function autoEdgeOf(environment: EnvironmentView, upstream: string) {
  const edge = environment.gates?.autoPromotesFrom?.find(
    e => e.environment === upstream,
  );
  if (!edge) return undefined;
  return {
    after: edge.after,
    paused: Boolean(
      environment.gates?.autoPromotionPaused || environment.autoPromotionPaused,
    ),
  };
}

/** The label on an automatic edge, a line each: "auto", "30 min", "paused". */
function autoLabelLines(auto: { after?: string; paused: boolean }) {
  return [
    'auto',
    durationText(auto.after, 'short'),
    auto.paused && 'paused',
  ].filter((line): line is string => Boolean(line));
}

/** How a node is named for screen readers, with its upstreams. */
function nodeLabel(environment: EnvironmentView, all: EnvironmentView[]) {
  if (environment.promotesFrom.length === 0) return environment.title;
  const upstreams = environment.promotesFrom.map(name => {
    const auto = autoEdgeOf(environment, name);
    if (!auto) return titleOf(all, name);
    const wait = durationText(auto.after, 'long');
    return `${titleOf(all, name)} automatically${wait ? ` after ${wait}` : ''}${
      auto.paused ? ' (paused)' : ''
    }`;
  });
  return `${environment.title}, promoted from ${upstreams.join(', ')}`;
}

interface Edge {
  from: string;
  to: string;
  d: string;
  /** Where an automatic edge is labelled, and the label's lines. */
  auto?: { x: number; y: number; lines: string[]; paused: boolean };
}

/**
 * The pipeline as a graph: a column per depth, one card per environment, and
 * arrows from each environment to the ones promoted from it; an automatic
 * edge is labelled "auto" (with its wait, and "paused"), and each node's
 * name says so for screen readers.
 */
export function PipelineGraph(props: {
  environments: EnvironmentView[];
  renderEnvironment: (environment: EnvironmentView) => ReactNode;
}) {
  const { environments, renderEnvironment } = props;
  const classes = useStyles();
  const columns = pipelineColumns(environments);
  const rootRef = useRef<HTMLOListElement>(null);
  const nodes = useRef(new Map<string, HTMLElement>());
  const [edges, setEdges] = useState<Edge[]>([]);

  const layout = useCallback(() => {
    const root = rootRef.current;
    if (!root) return;
    const origin = root.getBoundingClientRect();
    const next: Edge[] = [];
    for (const env of environments) {
      const to = nodes.current.get(env.name);
      for (const upstream of env.promotesFrom) {
        const from = nodes.current.get(upstream);
        if (!from || !to) continue;
        const a = from.getBoundingClientRect();
        const b = to.getBoundingClientRect();
        if (a.width === 0 || b.width === 0) continue;
        const x1 = a.right - origin.left;
        const y1 = a.top + a.height / 2 - origin.top;
        const x2 = b.left - origin.left - 6;
        const y2 = b.top + b.height / 2 - origin.top;
        const mid = (x1 + x2) / 2;
        const auto = autoEdgeOf(env, upstream);
        const lines = auto ? autoLabelLines(auto) : [];
        next.push({
          from: upstream,
          to: env.name,
          d: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`,
          // Above the curve's middle, which is halfway between its ends.
          auto: auto && {
            x: mid,
            y: (y1 + y2) / 2 - 6 - (lines.length - 1) * LABEL_LINE_HEIGHT,
            lines,
            paused: auto.paused,
          },
        });
      }
    }
    setEdges(prev =>
      JSON.stringify(prev) === JSON.stringify(next) ? prev : next,
    );
  }, [environments]);

  useLayoutEffect(() => {
    layout();
    if (typeof ResizeObserver === 'undefined' || !rootRef.current) {
      return undefined;
    }
    const observer = new ResizeObserver(() => layout());
    observer.observe(rootRef.current);
    nodes.current.forEach(node => observer.observe(node));
    return () => observer.disconnect();
  }, [layout]);

  return (
    <ol
      ref={rootRef}
      className={classes.root}
      style={{
        gridTemplateColumns: `repeat(${columns.length}, minmax(0, 1fr))`,
      }}
      aria-label="Promotion pipeline"
    >
      <svg className={classes.connectors} aria-hidden="true" focusable="false">
        <defs>
          <marker
            id="gitops-promotion-arrow"
            viewBox="0 0 10 10"
            refX="2"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className={classes.arrow} />
          </marker>
        </defs>
        {edges.map(edge => (
          <path
            key={`${edge.from}->${edge.to}`}
            d={edge.d}
            className={[
              classes.edge,
              edge.auto && classes.auto,
              edge.auto?.paused && classes.paused,
            ]
              .filter(Boolean)
              .join(' ')}
            markerEnd="url(#gitops-promotion-arrow)"
          />
        ))}
        {edges.map(
          ({ from, to, auto }) =>
            auto && (
              <text
                key={`${from}->${to}:label`}
                className={classes.edgeLabel}
                textAnchor="middle"
                data-testid={`auto-edge-${from}-${to}`}
              >
                {auto.lines.map((line, i) => (
                  <tspan
                    key={line}
                    x={auto.x}
                    y={auto.y + i * LABEL_LINE_HEIGHT}
                  >
                    {line}
                  </tspan>
                ))}
              </text>
            ),
        )}
      </svg>
      {columns.map((column, i) => (
        <li key={i} className={classes.column}>
          <ul className={classes.column} style={{ padding: 0, margin: 0 }}>
            {column.map(env => (
              <li
                key={env.name}
                className={classes.node}
                style={{ listStyle: 'none' }}
                ref={element => {
                  if (element) nodes.current.set(env.name, element);
                  else nodes.current.delete(env.name);
                }}
                aria-label={nodeLabel(env, environments)}
              >
                {renderEnvironment(env)}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}
