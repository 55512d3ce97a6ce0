import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { notificationsEnabled } from './notificationsEnabled';
import { readPluginConfig } from './readPluginConfig';

const appConfig = parseYaml(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../app-config.yaml'),
    'utf8',
  ),
);

function environmentsOf(mutate: (section: any) => void = () => {}) {
  const section = JSON.parse(JSON.stringify(appConfig.gitopsPromotion));
  mutate(section);
  const config = readPluginConfig(
    new ConfigReader({ gitopsPromotion: section }),
  )!;
  return Object.fromEntries(
    config.environments.map(e => [e.name, notificationsEnabled(e)]),
  );
}

describe('notificationsEnabled', () => {
  it('is on for environments promoted from another one, off for the first (CI sets it on every build)', () => {
    expect(environmentsOf()).toEqual({
      dev: false,
      staging: true,
      'prod-eu': true,
      'prod-us': true,
    });
  });

  it('follows notifications.enabled where it is set', () => {
    expect(
      environmentsOf(section => {
        section.environments[0].notifications = { enabled: true };
        section.environments[2].notifications = { enabled: false };
      }),
    ).toEqual({ dev: true, staging: true, 'prod-eu': false, 'prod-us': true });
  });

  it('refuses a setting that is not a boolean, naming the key', () => {
    expect(() =>
      environmentsOf(section => {
        section.environments[1].notifications = { enabled: 'sometimes' };
      }),
    ).toThrow(/gitopsPromotion\.environments\[1\]\.notifications\.enabled/);
  });
});
