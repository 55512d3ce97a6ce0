import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import {
  environment,
  gatedPipeline,
  pipeline,
} from '../../__testUtils__/fixtures';
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

describe('PipelineGraph with automatic promotion', () => {
  // jsdom lays nothing out: give every node a box, as a browser would, so
  // the edges between them are drawn.
  beforeEach(() => {
    jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
      x: 0,
      y: 0,
      top: 0,
      left: 0,
      right: 200,
      bottom: 100,
      width: 200,
      height: 100,
      toJSON: () => ({}),
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('labels the automatic edge "auto" with its wait, and names the node with it for screen readers', async () => {
    renderInTestApp(
      <PipelineGraph
        environments={gatedPipeline()}
        renderEnvironment={env => <span>{env.title} card</span>}
      />,
    );
    expect(
      await screen.findByRole('listitem', {
        name: 'Production EU, promoted from Staging automatically after 30 minutes',
      }),
    ).toHaveTextContent('Production EU card');
    expect(screen.getByTestId('auto-edge-staging-prod-eu')).toHaveTextContent(
      'auto30 min',
    );
    // The edge to a downstream promoted by hand has no label.
    expect(
      screen.queryByTestId('auto-edge-staging-prod-us'),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('listitem', {
        name: 'Production US, promoted from Staging',
      }),
    ).toBeInTheDocument();
  });

  it('says when automatic promotion is paused', async () => {
    renderInTestApp(
      <PipelineGraph
        environments={gatedPipeline({ autoPromotionPaused: true })}
        renderEnvironment={env => <span>{env.title} card</span>}
      />,
    );
    expect(
      await screen.findByRole('listitem', {
        name: 'Production EU, promoted from Staging automatically after 30 minutes (paused)',
      }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('auto-edge-staging-prod-eu')).toHaveTextContent(
      'auto30 minpaused',
    );
  });
});
