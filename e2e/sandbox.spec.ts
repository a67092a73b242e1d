// With no kubeconfig, Orrery opens on the sandbox cluster; its resources are browsable live.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, startOrrery, test, watchForErrors, type Orrery } from './orrery';

let orrery: Orrery;
let kubeconfig: string;

test.beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'orrery-home-'));
  orrery = await startOrrery({ env: { KUBECONFIG: '', HOME: home } });
  kubeconfig = /kubeconfig (\S+),/.exec(orrery.output())![1]!;
});
test.afterAll(async () => orrery.stop());

const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });

test('opens on the sandbox cluster and shows its contexts, connected', async ({ page }) => {
  const check = watchForErrors(page);
  expect(orrery.output()).toContain('No kubeconfig found');
  await page.goto(orrery.url);
  const rows = page.getByTestId('contexts-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('orrery-sandbox');
  await expect(rows.nth(1)).toContainText('orrery-sandbox-viewer');
  await expect(page.getByTestId('cluster-state')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('connection-panel')).toContainText(/Connected — Kubernetes v1\.\d+/);
  check();
});

test('lists pods live with kubectl-like columns, filters and sorts them', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await page.getByRole('link', { name: 'Pods', exact: true }).click();
  const rows = page.getByTestId('resource-rows').getByRole('row');
  await expect(page.getByTestId('sync-state')).toContainText('live');
  // Every pod kubectl sees (the constellation's and the monitoring stack's), each running.
  const podCount = kubectl('get', 'pods', '-A', '-o', 'name').trim().split('\n').length;
  expect(podCount).toBeGreaterThanOrEqual(18);
  await expect(rows.filter({ hasText: 'Running' })).toHaveCount(podCount, { timeout: 20_000 });
  // Filter by name with "/" and typing.
  await page.keyboard.press('/');
  await page.keyboard.type('cart-');
  await expect(rows).toHaveCount(2);
  await expect(page).toHaveURL(/q=cart-/);
  // Label selector and a namespace column sort.
  await page.getByLabel('Filter by name').fill('');
  await page.getByLabel('Label selector').fill('app.kubernetes.io/name=catalog');
  await expect(rows).toHaveCount(3);
  // Deleting a pod with kubectl: the list follows (the ReplicaSet replaces it).
  const victim = (await rows.first().getAttribute('data-name'))!;
  kubectl('delete', 'pod', '-n', 'shop', victim, '--wait=false');
  await expect(rows.filter({ hasText: victim })).toHaveCount(0, { timeout: 20_000 });
  await expect(rows.filter({ hasText: 'Running' })).toHaveCount(3, { timeout: 20_000 });
  check();
});

test('sorts by a column and keeps the choice in the URL', async ({ page }) => {
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/resources?kind=deployments'));
  const rows = page.getByTestId('resource-rows').getByRole('row');
  const names = kubectl('get', 'deployments', '-A', '-o', 'jsonpath={.items[*].metadata.name}').split(' ').sort();
  await expect(rows).toHaveCount(names.length);
  await expect(rows.first()).toHaveAttribute('data-name', names[0]!);
  await page.getByRole('columnheader', { name: /^Name( [▲▼])?$/ }).click(); // name descending
  await expect(rows.first()).toHaveAttribute('data-name', names.at(-1)!);
  await expect(page).toHaveURL(/desc=1/);
  await page.reload();
  await expect(rows.first()).toHaveAttribute('data-name', names.at(-1)!);
});

test('the read-only context is told which permission it lacks', async ({ page }) => {
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/resources?kind=secrets&ctx=orrery-sandbox-viewer'));
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-phase', 'forbidden');
  await expect(page.getByTestId('sync-state')).toContainText('Forbidden: you may not list secrets');
  await expect(page.getByTestId('forbidden')).toContainText('cannot list resource "secrets"');
});

test('a row opens the object page with its owner chain, containers and events', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/resources?kind=pods&q=payments'));
  const rows = page.getByTestId('resource-rows').getByRole('row');
  await expect(rows).toHaveCount(2);
  await rows.first().click();
  await expect(page.getByTestId('object-view')).toBeVisible();
  await expect(page.getByTestId('object-health')).toHaveText('Running, all containers ready');
  await expect(page.getByTestId('owners')).toContainText(/ReplicaSet\/payments-\w+/);
  await expect(page.getByTestId('container')).toContainText('Readiness probe');
  await expect(page.getByTestId('events')).toContainText('Started');
  // Up the owner chain to the Deployment, which lists what it owns.
  await page.getByTestId('owners').getByRole('link', { name: 'Deployment/payments' }).click();
  await expect(page.getByTestId('owned')).toContainText(/ReplicaSet\/payments-\w+/);
  await expect(page.getByTestId('yaml')).toContainText('kind: Deployment');
  check();
});

test('Secret values stay masked until revealed', async ({ page }) => {
  kubectl('create', 'secret', 'generic', 'api-key', '-n', 'shop', '--from-literal=token=s3cr3t-value');
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/object?kind=secrets&on=shop&name=api-key'));
  const yaml = page.getByTestId('yaml');
  await expect(yaml).toContainText('token: ••••••');
  await expect(yaml).not.toContainText(Buffer.from('s3cr3t-value').toString('base64'));
  await page.getByTestId('reveal').click();
  await expect(yaml).toContainText(Buffer.from('s3cr3t-value').toString('base64'));
});

test('scales a deployment from its page, and the viewer sees why it cannot', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/object?kind=deployments&on=shop&name=inventory'));
  await page.getByTestId('actions').getByRole('button', { name: 'Scale' }).click();
  await page.getByLabel('Replicas').fill('3');
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('action-result')).toHaveText('deployment/inventory scaled to 3');
  await expect(page.getByTestId('object-health')).toHaveText('3/3 available ready', { timeout: 20_000 });
  // Invalid YAML edits come back with the server's reason, inline.
  await page.getByTestId('actions').getByRole('button', { name: 'Edit YAML' }).click();
  const editor = page.getByRole('textbox', { name: 'YAML' });
  await editor.fill((await editor.inputValue()).replace(/replicas: 3/, 'replicas: -1'));
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('action-error')).toContainText('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  await page.getByRole('button', { name: 'Cancel' }).click();

  await page.evaluate(() => (location.hash = '#/object?kind=deployments&on=shop&name=inventory&ctx=orrery-sandbox-viewer'));
  const scale = page.getByTestId('actions').getByRole('button', { name: 'Scale' });
  await expect(scale).toBeDisabled();
  await expect(scale).toHaveAttribute('title', 'You may not patch deployments/scale.apps in namespace "shop"');
  check();
});

test('the overview shows a broken rollout as failing, with its pods not ready', async ({ page }) => {
  const check = watchForErrors(page);
  kubectl('create', 'deployment', 'ghost', '-n', 'shop', '--image=registry.invalid/ghost:1', '--replicas=1');
  await page.goto(orrery.url);
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByTestId('tile-nodes')).toContainText('3/3');
  await expect(page.getByTestId('usage-cpu')).toContainText('allocatable');
  await expect(page.getByTestId('not-ready')).toContainText(/shop\/ghost-\w+-\w+ .*(ErrImagePull|ImagePullBackOff)/, { timeout: 20_000 });
  await expect(page.getByTestId('workloads').getByRole('row', { name: /Deployments/ })).toContainText(/1$/);
  await page.getByTestId('not-ready').getByRole('link').first().click();
  await expect(page.getByTestId('object-health')).toContainText(/ErrImagePull|ImagePullBackOff/);
  kubectl('delete', 'deployment', 'ghost', '-n', 'shop');
  check();
});
