import { defineConfig } from '@playwright/test';
import { generateProjects } from '@backstage/e2e-test-utils/playwright';

/**
 * End-to-end tests: the portal is started as `scripts/start.sh` starts it (embedded
 * default, no credentials; app-config.e2e.yaml makes Production US quick to watch)
 * and driven in Debian's Chromium. No browser is ever downloaded: CHROMIUM_PATH
 * (default /usr/bin/chromium) is launched.
 */
export default defineConfig({
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  globalSetup: require.resolve('./scripts/e2e-global-setup'),

  webServer: [
    {
      // The embedded default, with Production US quick to watch (app-config.e2e.yaml).
      command:
        'yarn start --config ../../app-config.yaml --config ../../app-config.e2e.yaml',
      url: 'http://localhost:3000',
      reuseExistingServer: !process.env.CI,
      timeout: 300_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],

  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.test-results/e2e.json' }]],

  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    actionTimeout: 30_000,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },

  outputDir: 'node_modules/.cache/e2e-test-results',
  projects: generateProjects(),
});
