import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { environment, pipeline } from '../../__testUtils__/fixtures';
import { PipelineGraph, pipelineColumns } from './PipelineGraph';

describe('pipelineColumns', () => {
  it('puts each environment one column right of its furthest upstream', () => {
    const envs = [
      ...pipeline(),
      environment({ name: 'dr', promotesFrom: ['prod-eu'] }),
      environment({ name: 'perf', promotesFrom: ['dev', 'staging'] }),
    ];
    expect(
      pipelineColumns(envs).map(column => column.map(e => e.name)),
    ).toEqual([['dev'], ['staging'], ['prod-eu', 'prod-us', 'perf'], ['dr']]);
  });

  it('ignores unknown upstreams and survives cycles', () => {
    const envs = [
      environment({ name: 'a', promotesFrom: ['hidden'] }),
      environment({ name: 'b', promotesFrom: ['c'] }),
      environment({ name: 'c', promotesFrom: ['b'] }),
    ];
    expect(
      pipelineColumns(envs)
        .flat()
        .map(e => e.name)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
  });
});

describe('PipelineGraph', () => {
  it('renders a node per environment, in columns, named with its upstreams', async () => {
    renderInTestApp(
      <PipelineGraph
        environments={pipeline()}
        renderEnvironment={env => <span>{env.title} card</span>}
      />,
    );
    const graph = await screen.findByRole('list', {
      name: 'Promotion pipeline',
    });
    expect(
      within(graph).getByRole('listitem', {
        name: 'Production EU, promoted from Staging',
      }),
    ).toHaveTextContent('Production EU card');
    expect(
      within(graph).getByRole('listitem', { name: 'Development' }),
    ).toHaveTextContent('Development card');
    expect(graph).toHaveStyle({
      gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    });
  });
});
