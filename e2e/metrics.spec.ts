// Metrics in browser mode against the sandbox and its real Prometheus (found by discovery, reached
// through the API server's service proxy): the explorer draws a query, a bad query is shown with
// its position, dashboards render panels with data, and the Prometheus page explains the choice.
// Screenshots in light and dark go to test-results/metrics-*.png.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, startOrrery, test, watchForErrors, type Orrery } from './orrery';

let orrery: Orrery;

test.beforeAll(async () => {
  orrery = await startOrrery({ env: { KUBECONFIG: '', HOME: mkdtempSync(join(tmpdir(), 'orrery-home-')) } });
  if (!/Prometheus http/.test(orrery.output())) throw new Error(`the sandbox started without Prometheus (is the prometheus binary installed?):\n${orrery.output()}`);
});
test.afterAll(async () => orrery.stop());

async function open(page: Page, hash: string, theme: 'light' | 'dark' = 'light') {
  await page.emulateMedia({ colorScheme: theme });
  await page.goto(orrery.url);
  await page.evaluate((h) => (location.hash = h), hash);
}

/** Pixels of the chart's canvas drawn in one of its legend's series colors: the lines are there. */
function seriesPixels(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).evaluate((chart) => {
    const canvas = chart.querySelector('canvas')!;
    const colors = [...chart.querySelectorAll<HTMLElement>('.ts-legend .swatch')].map((s) => getComputedStyle(s).backgroundColor.match(/\d+/g)!.map(Number));
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (colors.some(([r, g, b]) => Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 30)) n++;
    return n;
  });
}

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/metrics-${name}.png` });

test('the explorer runs a typed query and draws it as a chart', async ({ page }) => {
  test.setTimeout(120_000);
  const check = watchForErrors(page);
  await open(page, '#/metrics?range=5m');
  const editor = page.getByTestId('promql-input');
  await editor.click();
  await page.keyboard.type('sum by (namespace) (rate(http_requests_total[1m]))');
  await page.keyboard.press('Escape'); // close completion, so Enter runs the query
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/q=sum/);
  const chart = page.getByTestId('explorer-chart');
  // Prometheus scrapes every 5 s; rate() needs two samples.
  await expect(async () => {
    await page.getByTestId('run-query').click();
    await expect(chart.locator('.ts-legend')).toContainText('namespace="shop"', { timeout: 3000 });
    // Lines, not just the first sample of each series.
    expect(await seriesPixels(page, 'explorer-chart')).toBeGreaterThan(100);
  }).toPass({ timeout: 90_000 });
  await expect(chart).toHaveAttribute('data-series', /^[1-9]/);
  await expect(chart).toHaveAttribute('data-rendered-ms', /\d+/);
  await expect(page.getByTestId('result-stats')).toContainText(/\d+ series/);
  // Legend toggles hide a series; the chart redraws without it.
  const shop = chart.locator('.ts-legend-item', { hasText: 'namespace="shop"' });
  await shop.click();
  await expect(shop).toHaveAttribute('aria-pressed', 'false');
  await shop.click();
  await shot(page, 'explorer-light');

  // Dragging across the chart zooms to that span: an absolute range in the URL.
  const canvas = chart.locator('.ts-chart-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.4, { steps: 6 });
  await page.mouse.up();
  await expect(page).toHaveURL(/from=\d+&to=\d+|to=\d+&from=\d+/);
  await expect(page.getByLabel('Time range')).toHaveValue('absolute');

  // Table mode: an instant query, one row per series.
  await page.getByRole('button', { name: 'Table' }).click();
  await expect(page.getByTestId('result-table').locator('tbody tr')).not.toHaveCount(0);

  // Query history remembers it.
  await expect(page.getByLabel('Query history')).toContainText('sum by (namespace)');

  // Dark theme, graph mode again.
  await open(page, '#/metrics?range=5m&q=sum%20by%20(namespace)%20(rate(http_requests_total%5B1m%5D))', 'dark');
  await expect(page.getByTestId('explorer-chart')).toHaveAttribute('data-rendered-ms', /\d+/, { timeout: 30_000 });
  await shot(page, 'explorer-dark');
  check();
});

test('completion offers metric names from the server', async ({ page }) => {
  const check = watchForErrors(page);
  await open(page, '#/metrics');
  // A Prometheus that has just started knows no metric names yet: type again until it does.
  await expect(async () => {
    await page.getByTestId('promql-input').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('container_memory_work');
    await expect(page.locator('.cm-tooltip-autocomplete')).toContainText('container_memory_working_set_bytes', { timeout: 3000 });
  }).toPass({ timeout: 60_000 });
  // Enter takes the suggestion (it runs the query only when no suggestion is open). CodeMirror
  // ignores an Enter in the first 75 ms after the list changes.
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('promql-input')).toHaveText(/^container_memory_working_set_bytes/);
  await expect(page).not.toHaveURL(/q=/);
  check();
});

test('a bad query shows the error at its position', async ({ page }) => {
  const check = watchForErrors(page);
  const query = 'sum by (namespace) (rate(http_requests_total[1m])';
  await open(page, `#/metrics?q=${encodeURIComponent(query)}`);
  const error = page.getByTestId('query-error');
  await expect(error).toBeVisible({ timeout: 30_000 });
  await expect(error).toHaveAttribute('data-kind', 'bad_data');
  await expect(error).toContainText('parse error');
  // Prometheus reports the unclosed parenthesis at the end of the query.
  const [start] = (await error.getAttribute('data-position'))!.split('-').map(Number);
  expect(start).toBeGreaterThanOrEqual(query.length - 1);
  await expect(page.getByTestId('error-pointer')).toContainText('^');
  await expect(page.getByTestId('query-error-mark')).toBeVisible();
  await shot(page, 'error-light');
  await open(page, `#/metrics?q=${encodeURIComponent(query)}`, 'dark');
  await expect(page.getByTestId('query-error-mark')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'error-dark');
  check();
});

test('dashboards render panels with data, with variables filled from the cluster', async ({ page }) => {
  test.setTimeout(180_000); // three dashboards, each waiting for scrapes on a loaded machine
  const check = watchForErrors(page);
  // refresh=5000: a fresh sandbox's first panels may come before two scrapes exist for rate().
  await open(page, '#/dashboards?d=cluster&range=15m&refresh=5000');
  const cpu = page.getByTestId('panel-cpu');
  await expect(cpu).toHaveAttribute('data-series', /^[1-9]/, { timeout: 60_000 });
  await expect(cpu).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('panel-memory')).toHaveAttribute('data-series', /^[1-9]/, { timeout: 30_000 });
  await shot(page, 'dashboard-cluster-light');

  // Workload dashboard: namespace and deployment come from the watch cache.
  await open(page, '#/dashboards?d=workload&range=15m&refresh=5000&var-namespace=shop', 'dark');
  await expect(page.getByTestId('var-workload').locator('select')).not.toHaveValue('', { timeout: 30_000 });
  await page.getByTestId('var-workload').locator('select').selectOption('cart');
  await expect(page).toHaveURL(/var-workload=cart/);
  await expect(page.getByTestId('panel-memory')).toHaveAttribute('data-series', /^[1-9]/, { timeout: 60_000 });
  await expect(page.getByTestId('chart-memory').locator('.ts-legend')).toContainText('cart-');
  // Flat lines that overlap (replicas using the same memory) cover few pixels: a line, not a dot.
  await expect.poll(() => seriesPixels(page, 'chart-memory'), { timeout: 60_000 }).toBeGreaterThan(40);
  await shot(page, 'dashboard-workload-dark');

  // Service RED from the services' request metrics.
  await open(page, '#/dashboards?d=service&range=15m&refresh=5000&var-namespace=shop&var-service=checkout');
  await expect(page.getByTestId('panel-rate')).toHaveAttribute('data-series', /^[1-9]/, { timeout: 60_000 });
  await expect(page.getByTestId('panel-duration')).toHaveAttribute('data-series', /^[1-9]/, { timeout: 30_000 });
  // No 5xx at all is an error ratio of 0, drawn, not "no data".
  await expect(page.getByTestId('panel-errors')).toHaveAttribute('data-series', /^[1-9]/, { timeout: 30_000 });
  await shot(page, 'dashboard-service-light');
  check();
});

test('the Prometheus page says how it was found and lets the user set one', async ({ page }) => {
  const check = watchForErrors(page);
  await open(page, '#/prometheus');
  await expect(page.getByTestId('prometheus-explanation')).toContainText('In use: monitoring/', { timeout: 30_000 });
  const candidates = page.getByTestId('prometheus-candidate');
  await expect(candidates.first()).toContainText(/label operated-prometheus=true|well-known name/);
  // A Service that does not exist is refused with the reason, and the choice stays as it was.
  await page.getByLabel('Prometheus Service or URL').fill('monitoring/no-such-prometheus:9090');
  await page.getByRole('button', { name: 'Use', exact: true }).click();
  await expect(page.getByTestId('prometheus-problem')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('prometheus-explanation')).toContainText('In use: monitoring/');
  await shot(page, 'prometheus-light');

  // The user picks another candidate that answers; it is used and said to be their pick.
  const other = candidates.filter({ has: page.getByTestId('prometheus-use') }).first();
  const otherId = await other.getAttribute('data-id');
  await other.getByTestId('prometheus-use').click();
  await expect(page.getByTestId('prometheus-explanation')).toHaveAttribute('data-selection', 'user', { timeout: 30_000 });
  await expect(page.locator(`[data-testid=prometheus-candidate][data-id="${otherId}"]`)).toContainText('in use');
  await page.getByRole('button', { name: 'Back to automatic' }).click();
  await expect(page.getByTestId('prometheus-explanation')).not.toHaveAttribute('data-selection', 'user', { timeout: 30_000 });
  check();
});

test("a pod's page charts its usage from metrics.k8s.io against its request and limit", async ({ page }) => {
  const check = watchForErrors(page);
  await open(page, '#/resources?kind=pods&ns=shop');
  const row = page.locator('.rtable-row', { hasText: 'cart-' }).first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  await row.click();
  const usage = page.getByTestId('resource-usage');
  await expect(usage).toHaveAttribute('data-state', 'ok', { timeout: 60_000 });
  await expect(page.getByTestId('usage-cpu').locator('.ts-legend')).toContainText('requests');
  await expect(page.getByTestId('usage-memory').locator('.ts-legend')).toContainText('limits');
  await shot(page, 'pod-usage-light');
  check();
});

/** The sandbox's Prometheus process (started by this test's Orrery), by its listen address. */
function prometheusPid(): number {
  const url = /Prometheus (http:\/\/\S+?),?\s/.exec(orrery.output())![1]!;
  const address = new URL(url).host;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]!.endsWith('prometheus') && args.includes(`--web.listen-address=${address}`)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no prometheus process listening on ${address}`);
}

// Last: it stops the sandbox's Prometheus for good.
test('with Prometheus gone, each panel says so and the rest of the page keeps working', async ({ page }) => {
  test.setTimeout(120_000);
  await open(page, '#/dashboards?d=pod&range=15m&var-namespace=shop');
  await expect(page.getByTestId('panel-memory')).toHaveAttribute('data-state', 'ok', { timeout: 60_000 });
  process.kill(prometheusPid(), 'SIGKILL');
  // A new range re-queries every panel: each fails on its own, saying why.
  await page.getByLabel('Time range').selectOption('30m');
  for (const id of ['cpu', 'memory', 'network', 'restarts']) {
    await expect(page.getByTestId(`panel-${id}`)).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
    await expect(page.getByTestId(`panel-error-${id}`).first()).toHaveAttribute('data-kind', /unavailable|timeout|no_prometheus/);
  }
  // The page still works: variables still come from the cluster, the usage from metrics.k8s.io.
  await expect(page.getByTestId('var-pod').locator('option')).not.toHaveCount(0);
  // The header stops claiming a Prometheus is in use.
  await expect(page.getByTestId('prometheus-badge')).toContainText('No Prometheus', { timeout: 30_000 });
  await shot(page, 'prometheus-down-light');
  await open(page, '#/metrics?q=up');
  await expect(page.getByTestId('query-error')).toHaveAttribute('data-kind', /unavailable|timeout|no_prometheus/, { timeout: 60_000 });
});
