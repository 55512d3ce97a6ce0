import { downstreamsOf, pipelineEnds, upstreamsOf } from './pipeline';

const demo = [
  { name: 'dev', promotesFrom: [] },
  { name: 'staging', promotesFrom: ['dev'] },
  { name: 'prod-eu', promotesFrom: ['staging'] },
  { name: 'prod-us', promotesFrom: ['staging'] },
  { name: 'dr', promotesFrom: ['prod-eu', 'prod-us'] },
];

describe('pipeline', () => {
  it.each([
    ['dev', []],
    ['staging', ['dev']],
    ['prod-eu', ['staging', 'dev']],
    ['dr', ['prod-eu', 'prod-us', 'staging', 'dev']],
    ['unknown', []],
  ])('upstreams of %s', (name, expected) => {
    expect([...upstreamsOf(demo, name)]).toEqual(expected);
  });

  it('downstreams', () => {
    expect(downstreamsOf(demo, 'staging')).toEqual(['prod-eu', 'prod-us']);
    expect(downstreamsOf(demo, 'dr')).toEqual([]);
  });

  it('ends', () => {
    expect(pipelineEnds(demo)).toEqual({ first: ['dev'], production: ['dr'] });
    expect(pipelineEnds(demo.slice(0, 4))).toEqual({
      first: ['dev'],
      production: ['prod-eu', 'prod-us'],
    });
  });
});
