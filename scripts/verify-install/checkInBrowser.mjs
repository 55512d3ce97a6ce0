// Opens the new app in Debian's Chromium as the guest user and waits for the
// service's Environments tab to show every environment's version.
import { chromium } from 'playwright-core';

export async function checkEnvironmentsTab({ appUrl, entityPath, expected }) {
  const browser = await chromium.launch({
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
  });
  try {
    const page = await browser.newPage();
    await page.goto(appUrl, { timeout: 180_000 });
    await page
      .getByRole('button', { name: 'Enter' })
      .click({ timeout: 120_000 });
    await page.goto(`${appUrl}${entityPath}`);
    const main = page.locator('main');
    for (const { environment, version } of expected) {
      await main
        .getByText(environment, { exact: true })
        .first()
        .waitFor({ timeout: 120_000 });
      await main
        .getByText(version, { exact: true })
        .first()
        .waitFor({ timeout: 60_000 });
    }
    return page.locator('main').innerText();
  } finally {
    await browser.close();
  }
}
