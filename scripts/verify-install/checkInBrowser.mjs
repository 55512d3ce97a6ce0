// Opens the new app in Debian's Chromium as the guest user and waits for the
// service's Environments tab to show every environment's version.
import { chromium } from 'playwright-core';

export async function checkEnvironmentsTab({
  appUrl,
  entityPath,
  expected,
  screenshotOnFailure,
}) {
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
  const page = await browser.newPage();
  try {
    await page.goto(appUrl, { timeout: 180_000 });
    await page
      .getByRole('button', { name: 'Enter' })
      .click({ timeout: 120_000 });
    // Signed in once the sidebar shows; only then does a reload keep the session.
    await page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true })
      .waitFor({ timeout: 60_000 });
    await page.goto(`${appUrl}${entityPath}`);
    for (const { environment, version } of expected) {
      await page
        .getByRole('article', { name: environment })
        .getByText(`Version ${version}`, { exact: true })
        .waitFor({ timeout: 120_000 });
    }
    return await page.locator('main').innerText();
  } catch (error) {
    await page.screenshot({ path: screenshotOnFailure });
    throw error;
  } finally {
    await browser.close();
  }
}
