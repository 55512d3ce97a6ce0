import { matchesLabelSelector, parseLabelSelector } from './labelSelector';

describe('label selectors', () => {
  const labels = { 'acme.io/service': 'checkout', 'acme.io/env': 'dev' };

  it.each<[string, boolean]>([
    ['', true],
    ['acme.io/service=checkout', true],
    ['acme.io/service==checkout,acme.io/env=dev', true],
    ['acme.io/service=checkout,acme.io/env=prod-eu', false],
    ['acme.io/env!=prod-eu', true],
    ['acme.io/env in (dev, staging)', true],
    ['acme.io/env notin (dev,staging)', false],
    ['acme.io/service', true],
    ['!acme.io/service', false],
    ['!team', true],
  ])('%j matches: %s', (selector, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(selector), labels)).toBe(
      expected,
    );
  });

  it.each(['a=b,', 'a b', 'a in b', '=b'])('refuses %j', selector => {
    expect(() => parseLabelSelector(selector)).toThrow(
      'is not a label selector requirement',
    );
  });
});
