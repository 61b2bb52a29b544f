import { expect, test } from '@grafana/plugin-e2e';
import type { Page } from '@playwright/test';

// The demo stack's proxy (docker-compose.yaml), as Grafana's server reaches it.
const PROXY_URL = process.env.PODREASONS_PROXY_URL ?? 'http://demo-cluster:8080';
const TOKEN = process.env.PODREASONS_TOKEN ?? 'podreasons-demo-token';

async function fillSettings(page: Page, proxyUrl: string, token: string) {
  await page.getByLabel(/^Proxy URL/).fill(proxyUrl);
  await page.getByLabel(/^Token/).fill(token);
}

test('the settings ask for the proxy URL, the token and TLS verification', async ({
  createDataSourceConfigPage,
  readProvisionedDataSource,
  page,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml', name: 'Pod Reasons' });
  await createDataSourceConfigPage({ type: ds.type });
  await expect(page.getByLabel(/^Proxy URL/)).toBeVisible();
  await expect(page.getByLabel(/^Token/)).toBeVisible();
  await expect(page.getByLabel(/^Skip TLS certificate verification/)).toBeVisible();
  await page.getByLabel(/^Proxy URL/).fill('demo-cluster:8080');
  await expect(page.getByText('The URL must start with http:// or https://.')).toBeVisible();
});

test.describe('Save & test', () => {
  // A frontend data source tests itself from the browser: it asks the proxy's /status through the route.
  const statusPath = (uid: string, id: number, proxy: (uid: string, id: string) => string) =>
    `${proxy(uid, String(id))}/podreasons/api/v1/status`;

  test('reports the cluster behind a working proxy', async ({
    createDataSourceConfigPage,
    readProvisionedDataSource,
    selectors,
    page,
  }) => {
    const ds = await readProvisionedDataSource({ fileName: 'datasources.yml', name: 'Pod Reasons' });
    const configPage = await createDataSourceConfigPage({ type: ds.type });
    await fillSettings(page, PROXY_URL, TOKEN);
    const { uid, id } = configPage.datasource;
    await expect(configPage.saveAndTest({ path: statusPath(uid, id, selectors.apis.DataSource.proxy) })).toBeOK();
    await expect(configPage).toHaveAlert('success', { hasText: /Connected to Kubernetes v\d+\.\d+/ });
  });

  test('says when the proxy rejects the token', async ({
    createDataSourceConfigPage,
    readProvisionedDataSource,
    selectors,
    page,
  }) => {
    const ds = await readProvisionedDataSource({ fileName: 'datasources.yml', name: 'Pod Reasons' });
    const configPage = await createDataSourceConfigPage({ type: ds.type });
    await fillSettings(page, PROXY_URL, 'not-the-token');
    const { uid, id } = configPage.datasource;
    await expect(configPage.saveAndTest({ path: statusPath(uid, id, selectors.apis.DataSource.proxy) })).not.toBeOK();
    await expect(configPage).toHaveAlert('error', { hasText: 'The proxy rejected the token' });
  });

  test('says when Grafana cannot reach the proxy', async ({
    createDataSourceConfigPage,
    readProvisionedDataSource,
    selectors,
    page,
  }) => {
    const ds = await readProvisionedDataSource({ fileName: 'datasources.yml', name: 'Pod Reasons' });
    const configPage = await createDataSourceConfigPage({ type: ds.type });
    await fillSettings(page, 'http://127.0.0.1:9', TOKEN);
    const { uid, id } = configPage.datasource;
    await expect(configPage.saveAndTest({ path: statusPath(uid, id, selectors.apis.DataSource.proxy) })).not.toBeOK();
    await expect(configPage).toHaveAlert('error', { hasText: 'Grafana cannot reach the proxy at http://127.0.0.1:9' });
  });

  test('passes for the provisioned data source', async ({
    gotoDataSourceConfigPage,
    readProvisionedDataSource,
    selectors,
  }) => {
    const ds = await readProvisionedDataSource({ fileName: 'datasources.yml', name: 'Pod Reasons' });
    const configPage = await gotoDataSourceConfigPage(ds.uid);
    const { uid, id } = configPage.datasource;
    await expect(configPage.saveAndTest({ path: statusPath(uid, id, selectors.apis.DataSource.proxy) })).toBeOK();
    await expect(configPage).toHaveAlert('success');
  });
});
