import { test, expect } from '@playwright/test';

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
  await page.goto('/');

  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The catalog opens on the guest's own components (team-checkout); show all
  // nine: the eight example services and this portal.
  await page.getByRole('menuitem', { name: /^All/ }).click();
  await expect(
    page
      .getByRole('heading', { name: 'All Components (9)', exact: true })
      .first(),
  ).toBeVisible();

  const table = page.getByRole('table');
  for (const [name, title] of Object.entries(services)) {
    await expect(
      table.locator(`a[href="/catalog/default/component/${name}"]`),
    ).toHaveText(title);
  }
  await page.screenshot({ path: 'docs/screenshots/catalog.png' });
});
