import { PipelineEnvironment } from './types';

/** Every environment `name` is (transitively) promoted from. */
export function upstreamsOf(
  pipeline: PipelineEnvironment[],
  name: string,
): Set<string> {
  const byName = new Map(pipeline.map(e => [e.name, e]));
  const seen = new Set<string>();
  const queue = [...(byName.get(name)?.promotesFrom ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (!seen.has(next)) {
      seen.add(next);
      queue.push(...(byName.get(next)?.promotesFrom ?? []));
    }
  }
  seen.delete(name);
  return seen;
}

/** The environments promoted directly from `name`. */
export function downstreamsOf(
  pipeline: PipelineEnvironment[],
  name: string,
): string[] {
  return pipeline.filter(e => e.promotesFrom.includes(name)).map(e => e.name);
}

/**
 * The ends of the pipeline: `first` environments have no upstream (CI sets
 * their versions), `production` environments have no downstream. Lead times
 * run from the first to the production environments.
 */
export function pipelineEnds(pipeline: PipelineEnvironment[]): {
  first: string[];
  production: string[];
} {
  const upstreams = new Set(pipeline.flatMap(e => e.promotesFrom));
  return {
    first: pipeline.filter(e => e.promotesFrom.length === 0).map(e => e.name),
    production: pipeline.filter(e => !upstreams.has(e.name)).map(e => e.name),
  };
}
