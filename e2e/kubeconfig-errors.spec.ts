import { expect, startOrrery, tempKubeconfigs, test, watchForErrors } from './orrery';
import { primary } from './fixtures/kubeconfigs';

test('a malformed kubeconfig is named with its line, and the good file still works', async ({ page }) => {
  const { paths } = tempKubeconfigs({ 'good.yaml': primary, 'bad.yaml': 'clusters:\n  - name: x\n   cluster: [unclosed\n' });
  const orrery = await startOrrery({ env: { KUBECONFIG: paths.join(':') } });
  try {
    const check = watchForErrors(page);
    await page.goto(orrery.url);
    const error = page.getByTestId('kubeconfig-error');
    await expect(error).toContainText(`${paths[1]}: invalid YAML at line 3`);
    await expect(page.getByTestId('contexts-table').locator('tbody tr')).toHaveCount(2);
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'open');
    check();
  } finally {
    await orrery.stop();
  }
});

test('no kubeconfig at all gets a clear message saying where Orrery looked', async ({ page }) => {
  const { dir } = tempKubeconfigs({});
  const orrery = await startOrrery({ env: { KUBECONFIG: '', HOME: dir }, args: ['--no-sandbox'] });
  try {
    await page.goto(orrery.url);
    await expect(page.getByTestId('kubeconfig-missing')).toContainText(`No kubeconfig found. Orrery looked in ${dir}/.kube/config`);
    await expect(page.getByRole('combobox', { name: 'Context' })).toBeDisabled();
  } finally {
    await orrery.stop();
  }
});
