import { expect, test } from '@grafana/plugin-e2e';

test('a Query variable lists namespaces, then the pods of one namespace', async ({
  variableEditPage,
  readProvisionedDataSource,
  page,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml', name: 'Pod Reasons' });
  await variableEditPage.setVariableType('Query');
  const namespaces = page.waitForResponse((r) => r.url().includes('/podreasons/api/v1/values/namespaces'));
  await variableEditPage.datasource.set(ds.name);
  await variableEditPage.runQuery();
  await expect(namespaces).toBeOK();
  await expect(variableEditPage).toDisplayPreviews(['payments', 'shop']);

  const pods = page.waitForResponse((r) => r.url().includes('/podreasons/api/v1/values/pods?namespace=payments'));
  await page.getByRole('radio', { name: 'Pods', exact: true }).click({ force: true });
  await page.getByLabel('In namespaces', { exact: true }).fill('payments');
  await page.getByLabel('In namespaces', { exact: true }).blur();
  await variableEditPage.runQuery();
  await expect(pods).toBeOK();
  await expect(variableEditPage).toDisplayPreviews([/^ledger-/]);
});

test('a Query variable lists workloads as namespace/Kind/name', async ({
  variableEditPage,
  readProvisionedDataSource,
  page,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml', name: 'Pod Reasons' });
  await variableEditPage.setVariableType('Query');
  await variableEditPage.datasource.set(ds.name);
  const workloads = page.waitForResponse((r) => r.url().includes('/podreasons/api/v1/values/workloads'));
  await page.getByRole('radio', { name: 'Workloads', exact: true }).click({ force: true });
  await variableEditPage.runQuery();
  await expect(workloads).toBeOK();
  await expect(variableEditPage).toDisplayPreviews([/^payments\/\w+\/ledger/]);
});
