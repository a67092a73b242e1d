// Aggregated logs on the sandbox: a workload's pods tailed together, filtered in the backend,
// following the pod set as it changes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, startOrrery, test, watchForErrors, type Orrery } from './orrery';

let orrery: Orrery;
let kubeconfig: string;

test.beforeAll(async () => {
  orrery = await startOrrery({ env: { KUBECONFIG: '', HOME: mkdtempSync(join(tmpdir(), 'orrery-home-')) } });
  kubeconfig = /kubeconfig (\S+),/.exec(orrery.output())![1]!;
});
test.afterAll(async () => orrery.stop());

const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });

test("tails every pod of a workload from its page, and follows the pod set", async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/object?kind=deployments&on=shop&name=catalog'));
  await page.getByTestId('open-logs').click();
  await expect(page.getByTestId('logs-view')).toBeVisible();
  await expect(page.getByTestId('stream-summary')).toContainText(/3 (streaming|quiet)/, { timeout: 20_000 });
  const lines = page.getByTestId('log-lines').locator('.log-line');
  await expect(lines.first()).toBeVisible({ timeout: 20_000 });
  const pods = new Set(await lines.evaluateAll((els) => els.map((e) => e.getAttribute('data-pod'))));
  expect([...pods].every((p) => p?.startsWith('catalog-'))).toBe(true);

  // A deleted pod's stream ends; its replacement is tailed.
  const victim = kubectl('get', 'pods', '-n', 'shop', '-l', 'app.kubernetes.io/name=catalog', '-o', 'jsonpath={.items[0].metadata.name}');
  kubectl('delete', 'pod', '-n', 'shop', victim, '--wait=false');
  const streams = page.getByTestId('streams');
  await expect(streams.locator(`tr:has-text("${victim}")`)).toHaveAttribute('data-state', 'ended', { timeout: 30_000 });
  await expect(page.getByTestId('stream-summary')).toContainText(/3 (streaming|quiet)/, { timeout: 30_000 });
  check();
});

test('filters run in the backend and a bad regex is explained inline', async ({ page }) => {
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/logs?lsel=app.kubernetes.io/part-of%3Dorrery-constellation'));
  const lines = page.getByTestId('log-lines').locator('.log-line');
  await expect(lines.first()).toBeVisible({ timeout: 20_000 });
  await page.getByLabel('Search text').fill('ready to serve');
  await expect(lines.first().locator('mark')).toHaveText('ready to serve', { timeout: 10_000 });
  await expect(page.getByTestId('line-count')).toHaveText(/^1[0-9] lines$/); // one per constellation pod
  await page.getByLabel('Include regex').fill('(unclosed');
  await expect(page.getByTestId('filter-error')).toContainText(/regular expression|regex|Unterminated group/i);
});
