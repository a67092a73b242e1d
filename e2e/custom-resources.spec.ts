// Custom resources in the browser: the sandbox's cert-manager kinds are listed with their CRD
// printer columns and Ready health, open as object pages, and a CRD applied with kubectl while
// Orrery runs appears in the navigation without a reload.
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

const kubectl = (args: string[], input?: string) => execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', ...(input ? { input } : {}) });

test("lists cert-manager Certificates with the CRD's printer columns and Ready health", async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  const nav = page.getByRole('navigation', { name: 'Views' });
  await nav.getByRole('link', { name: 'Certificates', exact: true }).click();
  await expect(page).toHaveURL(/kind=certificates\.cert-manager\.io/);
  await expect(page.getByRole('heading', { name: 'Certificates' })).toBeVisible();
  await expect(page.getByTestId('sync-state')).toContainText('3 · live');
  const headers = page.getByRole('columnheader');
  await expect(headers).toContainText(['Name', 'Namespace', 'Ready', 'Secret', 'Issuer', 'Status', 'Age']);
  const rows = page.getByTestId('resource-rows').getByRole('row');
  await expect(rows).toHaveCount(3);
  const frontend = page.locator('[data-name="frontend"]');
  await expect(frontend).toContainText('False');
  await expect(frontend).toContainText('frontend-tls');
  await expect(frontend).toContainText('challenge for www.orrery.test failed');
  await expect(page.locator('[data-name="gateway"]')).toContainText('True');
  await page.screenshot({ path: 'test-results/custom-resources-list.png' });
  check();
});

test('a Certificate opens its page with conditions and failing health', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  await page.evaluate(() => (location.hash = '#/resources?kind=certificates.cert-manager.io'));
  await page.locator('[data-name="frontend"]').click();
  await expect(page).toHaveURL(/#\/object\?.*kind=certificates\.cert-manager\.io.*name=frontend/);
  await expect(page.getByTestId('object-view')).toContainText('Certificate');
  const health = page.getByTestId('object-health');
  await expect(health).toHaveClass(/failing/);
  await expect(health).toContainText('Failed: The certificate request has failed to complete');
  await expect(page.getByRole('row').filter({ hasText: 'Ready' }).filter({ hasText: 'False' })).toContainText('challenge for www.orrery.test failed');
  await expect(page.getByTestId('yaml')).toContainText('secretName: frontend-tls');
  await page.screenshot({ path: 'test-results/custom-resources-object.png' });
  check();
});

test('a CRD applied while Orrery runs appears in the navigation, with its list', async ({ page }) => {
  const check = watchForErrors(page);
  await page.goto(orrery.url);
  const nav = page.getByRole('navigation', { name: 'Views' });
  await expect(nav.getByRole('link', { name: 'Certificates', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Rollouts', exact: true })).toHaveCount(0);
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'rollouts.argoproj.io' },
    spec: {
      group: 'argoproj.io',
      scope: 'Namespaced',
      names: { plural: 'rollouts', kind: 'Rollout', shortNames: ['ro'] },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          additionalPrinterColumns: [
            { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Strategy', type: 'string', jsonPath: '.spec.strategy.type' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };
  kubectl(['apply', '-f', '-'], JSON.stringify(crd));
  await nav.getByRole('link', { name: 'Rollouts', exact: true }).click({ timeout: 15_000 });
  await expect(page.getByTestId('sync-state')).toContainText('0 · live');
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'checkout', namespace: 'shop' }, spec: { replicas: 3, strategy: { type: 'Canary' } } }));
  const row = page.locator('[data-name="checkout"]');
  await expect(row).toContainText('3');
  await expect(row).toContainText('Canary');
  await expect(page.getByRole('columnheader')).toContainText(['Name', 'Namespace', 'Desired', 'Strategy', 'Age']);
  check();
});
