import { test, expect } from '@playwright/test';
import { signInAsGuest } from './portal';

// The example components of examples/entities.yaml: name → title
const services = {
  checkout: 'Checkout API',
  payments: 'Payments',
  cart: 'Cart',
  storefront: 'Storefront',
  search: 'Search',
  notifications: 'Notifications',
  inventory: 'Inventory',
  ledger: 'Ledger',
};

test('a guest signs in and sees the example services in the catalog', async ({
  page,
}) => {
  const nav = await signInAsGuest(page);

  // The catalog opens on the guest's own components (team-checkout); show all
  // nine: the eight example services and this portal. The owned filter is
  // applied once the guest's identity loads, so wait for it before switching.
  const heading = (name: string) =>
    page.getByRole('heading', { name, exact: true }).first();
  await expect(heading('Owned Components (3)')).toBeVisible();
  await expect(async () => {
    await page.getByRole('menuitem', { name: /^All/ }).click();
    await expect(heading('All Components (9)')).toBeVisible({ timeout: 3000 });
  }).toPass({ timeout: 30_000 });

  const table = page.getByRole('table');
  for (const [name, title] of Object.entries(services)) {
    await expect(
      table.locator(`a[href="/catalog/default/component/${name}"]`),
    ).toHaveText(title);
  }
  await page.screenshot({ path: 'docs/screenshots/catalog.png' });
});
