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
  await page.getByLabel('Include regex').fill('');
  await expect(page.getByTestId('filter-error')).toHaveCount(0);

  // Another source: its new backend view gets the filter the bar shows, not the one the page opened with.
  await page.evaluate(() => (location.hash = location.hash.replace(/lsel=[^&]*/, 'lw=deployments/shop/catalog')));
  await expect(page.getByTestId('log-sources')).toHaveText('deployment shop/catalog');
  await expect(page.getByTestId('stream-summary')).toContainText(/3 (streaming|quiet)/, { timeout: 20_000 });
  // At most one "ready to serve" per catalog pod (a long-running pod's may have left the kubelet's
  // log), and nothing else: the catalog serves traffic, so unfiltered lines would keep coming.
  await expect(page.getByTestId('line-count')).toHaveText(/^[123] lines?$/, { timeout: 10_000 });
  await page.waitForTimeout(2000);
  const shown = await lines.count();
  expect(shown).toBeGreaterThanOrEqual(1);
  expect(shown).toBeLessThanOrEqual(3);
  await expect(lines.locator('mark')).toHaveCount(shown);
  await expect(page.getByTestId('line-count')).toHaveText(new RegExp(`^${shown} lines?$`));
});

const CTX = 'orrery-sandbox';
const VIEWER = 'orrery-sandbox-viewer';

test('one view over two contexts: each stream and line labelled with its context, pod colors unchanged', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/logs?lctx=orrery-sandbox,orrery-sandbox-viewer&lw=deployments/edge/frontend'));
  await expect(page.getByTestId('log-sources')).toHaveText(`deployment edge/frontend · contexts ${CTX}, ${VIEWER}`);
  const streams = page.getByTestId('streams').locator('tr');
  await expect(streams).toHaveCount(6, { timeout: 20_000 });
  await expect(streams.locator('.ctx-label', { hasText: new RegExp(`^${VIEWER}$`) })).toHaveCount(3);
  await expect(streams.locator('.ctx-label', { hasText: new RegExp(`^${CTX}$`) })).toHaveCount(3);
  const lines = page.getByTestId('log-lines').locator('.log-line');
  for (const ctx of [CTX, VIEWER]) await expect(lines.locator('.ctx-label', { hasText: new RegExp(`^${ctx}$`) }).first()).toBeVisible({ timeout: 20_000 });
  // A pod has one color whichever context its line came from.
  const colors = await lines.evaluateAll((els) => els.map((e) => [e.getAttribute('data-pod'), (e.querySelector('.src') as HTMLElement).style.color]));
  const byPod = new Map<string, Set<string>>();
  for (const [pod, color] of colors) byPod.set(pod!, (byPod.get(pod!) ?? new Set()).add(color!));
  expect([...byPod.values()].every((s) => s.size === 1)).toBe(true);
  await page.getByTestId('streams').locator('xpath=..').evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await page.screenshot({ path: 'test-results/logs-two-contexts.png' });

  // The pod filter picks one pod in one context: only its lines stay (filtered in the backend).
  const podFilter = page.getByTestId('pod-filter');
  await podFilter.locator('summary').click();
  const options = podFilter.locator('label');
  await expect(options).toHaveCount(6);
  const choice = options.filter({ has: page.locator('.ctx-label', { hasText: new RegExp(`^${VIEWER}$`) }) }).first();
  const pod = (await choice.innerText()).trim().split('/').pop()!;
  await choice.locator('input').check();
  await expect(podFilter.locator('summary')).toHaveText('Pods: 1 of 6');
  await expect(page).toHaveURL(new RegExp(`fpods=${encodeURIComponent(`${VIEWER}/edge/${pod}`)}`));
  const shown = () => lines.evaluateAll((els) => [...new Set(els.map((e) => `${e.querySelector('.ctx-label')?.textContent}/${e.getAttribute('data-pod')}`))]);
  await expect.poll(shown, { timeout: 20_000 }).toEqual([`${VIEWER}/${pod}`]);
  await page.screenshot({ path: 'test-results/logs-pod-filter.png' });
  await podFilter.getByRole('button', { name: 'All' }).click();
  await expect(podFilter.locator('summary')).toHaveText('Pods: all');
  await expect.poll(async () => (await shown()).length, { timeout: 20_000 }).toBeGreaterThan(1);
  await expect(page.getByTestId('container-filter').locator('summary')).toHaveText('Containers: all');
  // A pod picked in a link that no stream of the view has: listed, checked, and can be unchecked.
  await page.evaluate(() => (location.hash += `&fpods=${encodeURIComponent('edge/gone-pod')}`));
  await expect(podFilter.locator('summary')).toHaveText('Pods: 1 of 7');
  const gone = podFilter.locator('label', { hasText: 'edge/gone-pod' });
  await expect(gone.locator('input')).toBeChecked();
  await gone.locator('input').click(); // unchecked, it leaves the list: no stream has it
  await expect(podFilter.locator('summary')).toHaveText('Pods: all');
  await expect(gone).toHaveCount(0);
  check();
});

test('the source picker: a label selector in two contexts, then back to one', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/logs'));
  const picker = page.getByTestId('log-source-picker');
  await expect(picker.getByLabel(CTX, { exact: true })).toBeChecked();
  await picker.getByLabel(VIEWER, { exact: true }).check();
  await picker.getByLabel('Tail').selectOption('selector');
  await picker.getByLabel('Namespaces').fill('shop');
  await picker.getByLabel('Pods label selector').fill('app.kubernetes.io/name=cart');
  await picker.getByRole('button', { name: 'Tail' }).click();
  await expect(page.getByTestId('log-sources')).toHaveText(`pods matching app.kubernetes.io/name=cart in shop · contexts ${CTX}, ${VIEWER}`);
  const lines = page.getByTestId('log-lines').locator('.log-line');
  await expect(lines.locator('.ctx-label', { hasText: new RegExp(`^${VIEWER}$`) }).first()).toBeVisible({ timeout: 20_000 });
  expect(await page.evaluate(() => new URLSearchParams(location.hash.split('?')[1]).get('lctx'))).toBe(`${CTX},${VIEWER}`);
  // Sources… reopens the picker as the URL says; one context again: no labels.
  await page.getByRole('button', { name: 'Sources…' }).click();
  await expect(picker.getByLabel('Pods label selector')).toHaveValue('app.kubernetes.io/name=cart');
  await picker.getByLabel(VIEWER, { exact: true }).uncheck();
  await picker.getByRole('button', { name: 'Tail' }).click();
  await expect(page.getByTestId('log-sources')).toHaveText('pods matching app.kubernetes.io/name=cart in shop');
  await expect(lines.first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('log-lines').locator('.ctx-label')).toHaveCount(0);
  check();
});

test("the command palette opens a workload's and a service's logs", async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/overview'));
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByLabel('Command').fill('logs deployment/catalog');
  await expect(palette.getByRole('option').first()).toHaveText('Logs deployment/catalog in shop', { timeout: 15_000 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('log-sources')).toHaveText('deployment shop/catalog');
  await expect(page.getByTestId('log-lines').locator('.log-line').first()).toBeVisible({ timeout: 20_000 });
  await page.keyboard.press('Control+k');
  await palette.getByLabel('Command').fill('logs service/cart');
  await expect(palette.getByRole('option').first()).toHaveText('Logs service/cart in shop', { timeout: 15_000 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('log-sources')).toHaveText('service shop/cart');
  await expect(page.getByTestId('log-lines').locator('.log-line').first()).toBeVisible({ timeout: 20_000 });
  check();
});

test("a Service's selector changes: the view follows the newly selected pods and stops the others", async ({ page }) => {
  const check = watchForErrors(page);
  kubectl('create', 'service', 'clusterip', 'pick', '-n', 'shop', '--tcp=80:8080');
  kubectl('set', 'selector', 'service', 'pick', '-n', 'shop', 'app.kubernetes.io/name=payments');
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/logs?lw=services/shop/pick'));
  const streams = page.getByTestId('streams').locator('tr');
  await expect(streams).toHaveCount(2, { timeout: 20_000 });
  await expect(streams.filter({ hasText: 'payments-' })).toHaveCount(2);
  kubectl('set', 'selector', 'service', 'pick', '-n', 'shop', 'app.kubernetes.io/name=checkout');
  const live = (prefix: string) => page.locator(`[data-testid="streams"] tr:is([data-state="streaming"], [data-state="quiet"]):has-text("${prefix}")`);
  await expect(live('checkout-')).toHaveCount(2, { timeout: 20_000 });
  await expect(live('payments-')).toHaveCount(0);
  await expect(streams.filter({ hasText: 'pod no longer matches the source' })).toHaveCount(2);
  await expect(page.getByTestId('log-lines').locator('.log-line[data-pod^="checkout-"]').first()).toBeVisible({ timeout: 20_000 });
  kubectl('delete', 'service', 'pick', '-n', 'shop');
  check();
});

test('ephemeral containers are tailed when asked: kubectl debug on a pod appears in its view', async ({ page }) => {
  const check = watchForErrors(page);
  const pod = kubectl('get', 'pods', '-n', 'shop', '-l', 'app.kubernetes.io/name=inventory', '-o', 'jsonpath={.items[0].metadata.name}');
  const image = kubectl('get', 'pod', pod, '-n', 'shop', '-o', 'jsonpath={.spec.containers[0].image}');
  await page.goto(orrery.url);
  await page.evaluate((p) => (location.hash = `#/logs?lpods=shop/${p}&leph=1`), pod);
  const streams = page.getByTestId('streams').locator('tr');
  await expect(streams).toHaveCount(1, { timeout: 20_000 });
  kubectl('debug', pod, '-n', 'shop', `--image=${image}`, '-c', 'dbg', '--env=ORRERY_TASK=inspect', '--env=ORRERY_TASK_DURATION=2s');
  const dbg = streams.filter({ has: page.locator('td.mono', { hasText: /^dbg$/ }) });
  await expect(dbg).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId('log-lines').locator('.log-line', { hasText: 'task started' })).toBeVisible({ timeout: 20_000 });
  await expect(dbg).toHaveAttribute('data-state', 'ended', { timeout: 20_000 });
  await expect(dbg).toContainText('Completed');
  check();
});
