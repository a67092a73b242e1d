// The service graph in the browser on the whole sandbox with its real Prometheus: exactly the
// constellation's call graph, then the error-spike scenario turning exactly the affected edges
// and nodes red within 30 s, with payments marked as where the errors start; the side panel's
// pods and errors-only logs link; namespace boxes, the replay slider and an edge's RED charts; the
// topology of the same namespace.
// The sandbox runs in a child process this spec steers (fixtures/sandbox-driver.ts) with 12
// requests/s into the gateway (the default is 3): checkout then sees about one a second, so a 40%
// error rate is a matter of seconds rather than of the luck of a handful of requests.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CONSTELLATION, ENTRY_ROUTES, edgesReachedFrom } from '../src-main/sandbox/workloads/constellation';
import { findPrometheusBinary } from '../src-main/sandbox/workloads/prometheus';
import type { Page } from '@playwright/test';
import { expect, startOrrery, test, watchForErrors, type Orrery } from './orrery';

/** The sandbox in a child process: its kubeconfig, and scenario commands over stdin. */
async function startSandboxDriver(opts: Record<string, unknown>): Promise<{ kubeconfig: string; command(line: string): Promise<void>; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', resolve('e2e/fixtures/sandbox-driver.ts'), JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    waiters.splice(0).forEach((w) => w());
  });
  const waitFor = (re: RegExp, ms: number) =>
    new Promise<RegExpExecArray>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`sandbox driver: no ${re} within ${ms} ms:\n${out}`)), ms);
      const check = () => {
        const m = re.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(m);
        } else waiters.push(check);
      };
      check();
    });
  const kubeconfig = (await waitFor(/ready (\S+)/, 120_000))[1]!;
  return {
    kubeconfig,
    async command(line) {
      out = '';
      child.stdin!.write(`${line}\n`);
      const m = await waitFor(/^(ok|error) (.*)$/m, 30_000);
      if (m[1] === 'error') throw new Error(`sandbox driver: ${m[2]}`);
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

const nsOf = (service: string) => CONSTELLATION.find((s) => s.name === service)!.namespace;
const EXPECTED = [...edgesReachedFrom(ENTRY_ROUTES).map((e) => `${nsOf(e.from)}/${e.from}>${nsOf(e.to)}/${e.to}`), 'unknown>edge/gateway'].sort();
const AFFECTED = ['edge/frontend>shop/checkout', 'shop/checkout>shop/payments'];

let sandbox: Awaited<ReturnType<typeof startSandboxDriver>> | undefined;
let orrery: Orrery | undefined;

test.skip(!findPrometheusBinary(), 'no prometheus binary');
test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-e2e-sg-'));
  sandbox = await startSandboxDriver({ kubeconfigPath: join(dir, 'kubeconfig'), prometheus: 'auto', rps: 12 });
  orrery = await startOrrery({ args: ['--kubeconfig', sandbox.kubeconfig] });
});

test.afterAll(async () => {
  await orrery?.stop();
  await sandbox?.stop();
});

const ids = (page: Page, what: 'edge' | 'node', health?: string) =>
  page.$$eval(`[data-testid="servicegraph-graph"] li[data-${what}-id]${health ? `[data-health="${health}"]` : ''}`, (els, attr) => els.map((e) => e.getAttribute(attr)!).sort(), `data-${what}-id`);

test('the service graph is the call graph; error-spike turns exactly the affected edges and nodes red within 30 s', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery!.url);
  await page.evaluate(() => (location.hash = '#/servicegraph?ctx=orrery-sandbox&sgw=30s'));
  await expect(page.getByTestId('servicegraph-source')).toContainText('Istio', { timeout: 60_000 });
  // Every edge the load generator exercises, and no other.
  await expect.poll(() => ids(page, 'edge'), { timeout: 90_000, intervals: [2000] }).toEqual(EXPECTED);
  await page.waitForTimeout(6000); // a full window of pre-fault traffic, refreshed
  const before = { edges: await ids(page, 'edge', 'failing'), nodes: await ids(page, 'node', 'failing') };
  expect(before.edges.filter((id) => AFFECTED.includes(id))).toEqual([]);

  const t0 = Date.now();
  await sandbox!.command('start error-spike');
  try {
    await expect
      .poll(async () => {
        const failing = await ids(page, 'edge', 'failing');
        return AFFECTED.every((id) => failing.includes(id));
      }, { timeout: 30_000, intervals: [500] })
      .toBe(true);
    const seconds = (Date.now() - t0) / 1000;
    const after = { edges: await ids(page, 'edge', 'failing'), nodes: await ids(page, 'node', 'failing') };
    console.log(`error-spike: affected edges red in the browser after ${seconds.toFixed(1)} s (failing before: ${JSON.stringify(before)})`);
    expect(after.edges.filter((id) => !before.edges.includes(id))).toEqual(AFFECTED);
    expect(after.nodes.filter((id) => !before.nodes.includes(id))).toEqual(['shop/checkout', 'shop/payments']);
    await expect(page.locator('[data-testid="servicegraph-graph"] li[data-node-id="shop/payments"]')).toHaveAttribute('data-ring', 'true');
    await expect(page.locator('[data-testid="servicegraph-graph"] li[data-ring]')).toHaveCount(1);
    await page.screenshot({ path: 'test-results/servicegraph-error-spike.png' });

    // The origin's side panel: its pods with health and a link to their error logs.
    await page.evaluate(() => (location.hash = `${location.hash}&sgsel=n:shop/payments`));
    const side = page.getByTestId('servicegraph-side');
    await expect(side).toContainText('shop/payments');
    await expect(side.getByTestId('servicegraph-pods').locator('li')).toHaveCount(2, { timeout: 20_000 });
    const logs = side.getByTestId('servicegraph-error-logs');
    await expect(logs).toHaveAttribute('href', /#\/logs\?.*lw=deployments%2Fshop%2Fpayments.*lvl=error%2Cfatal/);
    await page.screenshot({ path: 'test-results/servicegraph-side.png' });
    await logs.click();
    await expect(page).toHaveURL(/#\/logs\?/);
  } finally {
    await sandbox!.command('stop error-spike');
  }
  check();
});

test('namespaces are boxes; the replay slider steps through the last hour; an edge opens its RED charts', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery!.url);
  await page.evaluate(() => (location.hash = '#/servicegraph?ctx=orrery-sandbox&sgw=30s'));
  const graph = page.getByTestId('servicegraph-graph');
  await expect.poll(() => ids(page, 'edge'), { timeout: 60_000, intervals: [1000] }).toEqual(EXPECTED);
  // Each namespace is a box drawn behind its nodes (the monitoring stack's, silent, too).
  await expect.poll(() => graph.locator('[data-group]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')))).toEqual(expect.arrayContaining(['data', 'edge', 'shop']));

  await page.getByTestId('servicegraph-replay').click();
  const bar = page.getByTestId('servicegraph-replay-bar');
  const slider = bar.getByRole('slider', { name: 'Replay time' });
  await expect(slider).toBeVisible({ timeout: 30_000 });
  const steps = Number(await slider.getAttribute('max')) + 1;
  expect(steps).toBeGreaterThan(100); // an hour in 30 s steps
  await expect(bar.locator('.replay-strip .cell')).toHaveCount(steps);
  await slider.fill(String(steps - 3));
  await expect(page).toHaveURL(/sgt=\d+/);
  await expect(bar.locator('.replay-strip .cell.current')).toHaveCount(1);
  // The replay keeps the live graph's structure.
  expect(await ids(page, 'edge')).toEqual(EXPECTED);
  await page.getByTestId('servicegraph-replay').click();
  await expect(bar).toHaveCount(0);

  await page.evaluate(() => (location.hash = `${location.hash}&sgsel=e:edge/gateway>edge/frontend`));
  const side = page.getByTestId('servicegraph-side');
  await expect(side).toContainText('edge/gateway → edge/frontend');
  for (const chart of ['red-rate', 'red-errors', 'red-p95']) await expect(side.getByTestId(chart)).toBeVisible({ timeout: 20_000 });
  // An hour in 30 s steps, refreshed every 15 s: on a Prometheus a minute or two old, the first
  // answer may hold no complete step yet.
  await expect(side.getByTestId('red-rate')).toHaveAttribute('data-series', /^[1-9]/, { timeout: 45_000 });
  await page.screenshot({ path: 'test-results/servicegraph-edge.png' });
  check();
});

test('the topology of a namespace: workloads with their Services, config and accounts', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery!.url);
  await page.evaluate(() => (location.hash = '#/topology?ctx=orrery-sandbox&ns=shop'));
  const graph = page.getByTestId('topology-graph');
  await expect(graph).toHaveAttribute('data-layout', /elk|layered-fast/, { timeout: 30_000 });
  for (const s of CONSTELLATION.filter((x) => x.namespace === 'shop')) {
    await expect(graph.locator(`li[data-node-id="Deployment/shop/${s.name}"]`)).toHaveAttribute('data-health', 'ok');
    await expect(graph.locator(`li[data-edge-id="Service/shop/${s.name}|selects|Deployment/shop/${s.name}"]`)).toHaveCount(1);
    await expect(graph.locator(`li[data-edge-id="Deployment/shop/${s.name}|uses|ConfigMap/shop/${s.name}-config"]`)).toHaveCount(1);
  }
  // Search focuses a node and selects it; the side panel expands it into its pods.
  await page.getByTestId('topology-search').fill('payments');
  await page.getByTestId('topology-search').press('Enter');
  await expect(page.getByTestId('topology-side')).toContainText('Deployment payments');
  const fullLayouts = Number(await graph.getAttribute('data-full-layouts'));
  await page.getByTestId('topology-expand').click();
  await expect(graph.locator('li[data-node-id^="Pod/shop/payments-"]')).toHaveCount(2, { timeout: 15_000 });
  // Expanding is the user changing the picture: it is laid out again in full, not patched.
  await expect.poll(async () => Number(await graph.getAttribute('data-full-layouts')), { timeout: 15_000 }).toBeGreaterThan(fullLayouts);
  await page.screenshot({ path: 'test-results/topology-expanded.png' });
  // A live change to what is shown expanded (the workload scaled to zero) keeps the layout.
  const afterExpand = Number(await graph.getAttribute('data-full-layouts'));
  execFileSync('kubectl', ['--kubeconfig', sandbox!.kubeconfig, 'scale', 'deployment/payments', '-n', 'shop', '--replicas=0']);
  await expect(graph.locator('li[data-node-id^="Pod/shop/payments-"]')).toHaveCount(0, { timeout: 15_000 });
  await page.waitForTimeout(1000);
  expect(Number(await graph.getAttribute('data-full-layouts'))).toBe(afterExpand);
  check();
});
