import { expect, test } from '@grafana/plugin-e2e';
import type { Response } from '@playwright/test';

// A frontend data source never calls /api/ds/query: its requests go through the data source proxy
// route, so the tests wait for those.
const fromProxy =
  (endpoint: string, also: (url: string) => boolean = () => true) =>
  (response: Response) =>
    response.url().includes(`/podreasons/api/v1/${endpoint}`) && also(response.url());

test.beforeEach(async ({ panelEditPage, readProvisionedDataSource }) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml', name: 'Pod Reasons' });
  await panelEditPage.datasource.set(ds.name);
  await panelEditPage.setVisualization('Table');
});

test('Pods: one row per pod with its reason', async ({ panelEditPage, page }) => {
  const row = panelEditPage.getQueryEditorRow('A');
  // The default shows abnormal pods only; all pods make sure there are rows.
  const pods = page.waitForResponse(fromProxy('pods', (url) => !url.includes('abnormal=true')));
  await row.getByLabel('Abnormal only', { exact: true }).click({ force: true });
  await expect(pods).toBeOK();
  await expect(panelEditPage.panel.fieldNames).toContainText(['Namespace', 'Pod', 'Status', 'Reason', 'Category']);
  await expect(panelEditPage.panel.data).toContainText(['shop']);
});

test('Reason counts: pods per category', async ({ panelEditPage, page }) => {
  const row = panelEditPage.getQueryEditorRow('A');
  await row.getByRole('radio', { name: 'Reason counts', exact: true }).click({ force: true });
  await row.getByRole('radio', { name: 'Category', exact: true }).click({ force: true });
  const summary = page.waitForResponse(fromProxy('summary', (url) => !url.includes('abnormal=true')));
  await row.getByLabel('Abnormal only', { exact: true }).click({ force: true });
  await expect(summary).toBeOK();
  await expect(panelEditPage.panel.fieldNames).toContainText(['Category', 'Pods']);
  await expect(panelEditPage.panel.data).toContainText(['healthy']);
});

test('Reason counts: pods per workload, each named namespace/Kind/name', async ({ panelEditPage, page }) => {
  const row = panelEditPage.getQueryEditorRow('A');
  await row.getByRole('radio', { name: 'Reason counts', exact: true }).click({ force: true });
  await row.getByRole('radio', { name: 'Workload', exact: true }).click({ force: true });
  const summary = page.waitForResponse(fromProxy('summary', (url) => !url.includes('abnormal=true')));
  await row.getByLabel('Abnormal only', { exact: true }).click({ force: true });
  await expect(summary).toBeOK();
  await expect(panelEditPage.panel.fieldNames).toContainText(['Workload', 'Pods']);
  await expect(panelEditPage.panel.data).toContainText([/^payments\/\w+\/\S+$/]);
});

test('Transitions: over the dashboard time range', async ({ panelEditPage, page }) => {
  const row = panelEditPage.getQueryEditorRow('A');
  const transitions = page.waitForResponse(fromProxy('transitions', (url) => /from=\d+&to=\d+/.test(url)));
  await row.getByRole('radio', { name: 'Transitions', exact: true }).click({ force: true });
  await expect(transitions).toBeOK();
  await expect(panelEditPage.panel.getErrorIcon()).not.toBeVisible();
});

test('Time series: transitions per panel interval', async ({ panelEditPage, page }) => {
  await panelEditPage.setVisualization('Time series');
  const row = panelEditPage.getQueryEditorRow('A');
  const series = page.waitForResponse(fromProxy('series', (url) => /step=\d+&groupBy=initiator/.test(url)));
  await row.getByRole('radio', { name: 'Time series', exact: true }).click({ force: true });
  await row.getByRole('radio', { name: 'Initiator', exact: true }).click({ force: true });
  await expect(series).toBeOK();
  await expect(panelEditPage.panel.getErrorIcon()).not.toBeVisible();
});

test('Time series: transitions per node pool', async ({ panelEditPage, page }) => {
  await panelEditPage.setVisualization('Time series');
  const row = panelEditPage.getQueryEditorRow('A');
  const series = page.waitForResponse(fromProxy('series', (url) => url.endsWith('groupBy=nodepool')));
  await row.getByRole('radio', { name: 'Time series', exact: true }).click({ force: true });
  await row.getByRole('radio', { name: 'Node pool', exact: true }).click({ force: true });
  await expect(series).toBeOK();
  await expect(panelEditPage.panel.getErrorIcon()).not.toBeVisible();
});

test('live Pods: a WebSocket through Grafana, closed when live is switched off', async ({ panelEditPage, page }) => {
  const row = panelEditPage.getQueryEditorRow('A');
  const socket = page.waitForEvent('websocket', (ws) => ws.url().includes('/podreasons/api/v1/stream?kind=pods'));
  await row.getByLabel('Live', { exact: true }).click({ force: true });
  const ws = await socket;
  const snapshot = await ws.waitForEvent('framereceived');
  expect(JSON.parse(String(snapshot.payload)).type).toBe('snapshot');
  await expect(panelEditPage.panel.fieldNames).toContainText(['Namespace', 'Pod', 'Reason']);
  const closed = ws.waitForEvent('close');
  await row.getByLabel('Live', { exact: true }).click({ force: true });
  await closed;
});
