import { writeFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { primary, secondary } from './fixtures/kubeconfigs';
import { expect, startOrrery, tempKubeconfigs, test, watchForErrors, type Orrery } from './orrery';

let orrery: Orrery;
let kubeconfigs: ReturnType<typeof tempKubeconfigs>;

test.beforeAll(async () => {
  kubeconfigs = tempKubeconfigs({ 'a.yaml': primary, 'b.yaml': secondary });
  orrery = await startOrrery({ env: { KUBECONFIG: kubeconfigs.paths.join(delimiter) } });
});
test.afterAll(async () => orrery.stop());

test('opens the shell on the Contexts page with contexts merged from KUBECONFIG', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/(#.*)?$/); // the token left the address bar
  const table = page.getByTestId('contexts-table');
  await expect(table.locator('tbody tr')).toHaveCount(4);
  await expect(table.locator('tbody tr').nth(0)).toContainText('prod-eu');
  await expect(table.locator('tbody tr').nth(0)).toContainText('https://prod-eu.k8s.example:6443');
  await expect(table.locator('tbody tr').nth(0)).toContainText('current');
  await expect(table.locator('tbody tr', { hasText: 'dev' })).toContainText('dev');
  await expect(table.locator('tbody tr', { hasText: 'broken' })).toContainText('refers to cluster "missing-cluster", which no kubeconfig file defines');
  await expect(page.getByRole('combobox', { name: 'Context' })).toHaveValue('prod-eu');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'open');
  check();
});

test('command palette jumps to a view and switches context', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await expect(page.getByTestId('contexts-table')).toBeVisible();
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  await page.keyboard.type('diag');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Diagnostics' })).toBeVisible();
  await expect(page).toHaveURL(/#\/diagnostics/);
  await expect(page.getByTestId('tile-orrery_open_streams')).toContainText(/\d/);

  await page.keyboard.press('Control+k');
  await page.keyboard.type('context stag');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('combobox', { name: 'Context' })).toHaveValue('staging');
  await expect(page).toHaveURL(/ctx=staging/);
  // The state lives in the URL: a reload comes back to the same view and context.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Diagnostics' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Context' })).toHaveValue('staging');
  check();
});

test('theme follows the OS and can be switched', async ({ page }) => {
  const check = watchForErrors(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(orrery.url);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html).toHaveAttribute('data-theme', 'light');
  const toggle = page.getByTestId('theme-toggle');
  await toggle.click(); // system -> light
  await toggle.click(); // light -> dark
  await expect(html).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(15, 20, 27)');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark'); // remembered
  await page.keyboard.press('Control+k');
  await page.keyboard.type('follow the os');
  await page.keyboard.press('Enter');
  await expect(html).toHaveAttribute('data-theme', 'light');
  check();
});

test('a kubeconfig edit shows up without a restart', async ({ page }) => {
  await page.goto(orrery.url);
  const rows = page.getByTestId('contexts-table').locator('tbody tr');
  await expect(rows).toHaveCount(4);
  writeFileSync(kubeconfigs.paths[1]!, secondary.replace('- name: dev', '- name: qa'));
  await expect(rows.filter({ hasText: 'qa' })).toHaveCount(1, { timeout: 10_000 });
  writeFileSync(kubeconfigs.paths[1]!, secondary);
});

test('the page refuses to load without the token', async ({ page }) => {
  const response = await page.goto(orrery.origin + '/');
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('Unauthorized');
});
