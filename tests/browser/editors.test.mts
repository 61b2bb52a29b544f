// The plugin's editors in a real browser: Debian's Chromium driven by playwright-core, rendering
// the real @grafana/ui against canned proxy answers, and once end to end against the real proxy
// watching the real API server. Screenshots go to tests/screenshots/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';

import { answer } from './canned.mts';
import { bundle, launchChromium, openView, waitForRows, type View } from './browser.mts';
import { startLiveProxy } from './live.mts';
import { startPageServer, type PageServer } from './server.mts';
import { pageConfig } from './webpack.config.mts';

const root = path.resolve(import.meta.dirname, '../..');
const bundleDir = path.join(root, '.cache', 'browser-page');
const screenshots = path.join(root, 'tests', 'screenshots');

let browser: Browser;
let server: PageServer;

before(async () => {
  await Promise.all([bundle(pageConfig(bundleDir)), mkdir(screenshots, { recursive: true })]);
  server = await startPageServer(bundleDir, answer);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function open(params: Record<string, string>, pageServer: PageServer = server): Promise<View> {
  return openView(browser, `${pageServer.origin}/?${new URLSearchParams({ proxy: pageServer.origin, ...params })}`);
}

async function finish({ page, problems }: View, name: string) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  await page.close();
  assert.deepEqual(problems, []);
}

/** Picks `value` in the multi-value picker labelled `label`. */
async function pick(page: Page, label: string, value: string) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: value, exact: true }).click();
  await page.keyboard.press('Escape');
}

/** Types a value the picker does not offer and takes it as a custom value. */
async function pickCustom(page: Page, label: string, value: string) {
  const picker = page.getByRole('combobox', { name: label, exact: true });
  await picker.click();
  await picker.fill(value);
  await page.getByRole('option', { name: new RegExp(`^${value}\\b`) }).click();
  await page.keyboard.press('Escape');
}

/** The proxy requests of one endpoint since `since`, as path and query. */
function requested(endpoint: string, since = 0): string[] {
  return server.requests
    .slice(since)
    .filter((url) => url.pathname === `/api/v1/${endpoint}`)
    .map((url) => url.search);
}

test('config editor: proxy URL validation, token, TLS switch', async () => {
  const view = await open({ view: 'config' });
  const { page } = view;
  const url = page.getByLabel(/^Proxy URL/);
  await url.fill('podreasons-proxy:8080');
  await page.getByText('The URL must start with http:// or https://.').waitFor();
  await url.fill('http://podreasons-proxy:8080');
  await page.getByText('The URL must start with http:// or https://.').waitFor({ state: 'detached' });
  await page.getByLabel(/^Token/).fill('s3cret');
  await page.getByLabel(/^Skip TLS certificate verification/).click({ force: true });
  assert.deepEqual(JSON.parse(await page.getByTestId('options').innerText()), {
    jsonData: { proxyUrl: 'http://podreasons-proxy:8080', tlsSkipVerify: true },
    secureJsonData: { token: 's3cret' },
    secureJsonFields: {},
  });
  await finish(view, 'config-editor');
});

test('pods: abnormal pods, then one namespace picked from the proxy and a label selector', async () => {
  const since = server.requests.length;
  const view = await open({ view: 'query', queryType: 'pods' });
  const { page } = view;
  await waitForRows(page, 4);
  await pick(page, 'Namespaces', 'shop');
  await waitForRows(page, 3);
  await page.getByLabel('Labels').fill('app=web');
  await page.getByLabel('Labels').blur();
  await page.getByText('"labelSelector":"app=web"').waitFor();
  assert.deepEqual(requested('pods', since).slice(-1), ['?namespace=shop&labelSelector=app%3Dweb&abnormal=true']);
  assert.ok(requested('values/namespaces', since).length > 0);
  await finish(view, 'query-pods');
});

test('pods: the pods of one workload picked from the proxy, with its workload and node pool', async () => {
  const since = server.requests.length;
  const view = await open({ view: 'query', queryType: 'pods' });
  const { page } = view;
  await waitForRows(page, 4);
  await pick(page, 'Workloads', 'shop/Deployment/web');
  await waitForRows(page, 2);
  assert.deepEqual(requested('pods', since).slice(-1), ['?workload=shop%2FDeployment%2Fweb&abnormal=true']);
  assert.ok(requested('values/workloads', since).length > 0);
  const table = await page.getByTestId('results').innerText();
  for (const text of ['Workload kind', 'Workload', 'Node pool', 'Capacity type', 'Deployment', 'spot']) {
    assert.ok(table.includes(text), `${text} in ${table}`);
  }
  assert.ok(!table.includes('db-0'), table);
  await finish(view, 'query-pods-workload');
});

test('reason counts grouped by workload, on one node pool', async () => {
  const since = server.requests.length;
  const view = await open({ view: 'query', queryType: 'counts' });
  const { page } = view;
  await page.getByRole('radio', { name: 'Workload', exact: true }).click({ force: true });
  await waitForRows(page, 3);
  await pick(page, 'Node pools', 'default');
  await waitForRows(page, 2);
  assert.deepEqual(requested('summary', since).slice(-1), ['?nodepool=default&abnormal=true']);
  const table = await page.getByTestId('results').innerText();
  for (const text of ['Workload', 'Pods', 'shop/Deployment/web', 'shop/StatefulSet/db']) {
    assert.ok(table.includes(text), `${text} in ${table}`);
  }
  await finish(view, 'query-counts-workload');
});

test('reason counts grouped by category', async () => {
  const view = await open({ view: 'query', queryType: 'counts' });
  const { page } = view;
  await page.getByRole('radio', { name: 'Category' }).click({ force: true });
  await waitForRows(page, 3);
  const table = await page.getByTestId('results').innerText();
  for (const text of ['Category', 'Pods', 'eviction', 'container', 'scheduling']) {
    assert.ok(table.includes(text), `${text} in ${table}`);
  }
  await finish(view, 'query-counts');
});

test('transitions: a custom reason, and a category the proxy would refuse', async () => {
  const since = server.requests.length;
  const view = await open({ view: 'query', queryType: 'transitions' });
  const { page } = view;
  await waitForRows(page, 4);
  await pick(page, 'Reasons', 'Evicted');
  await waitForRows(page, 1);
  await pickCustom(page, 'Categories', 'bogus');
  // Both the editor and the panel say why; the proxy is not asked.
  await page.getByTestId('results').getByText('Unknown category "bogus".').waitFor();
  assert.equal(await page.getByText('Unknown category "bogus".').count(), 2);
  assert.equal(requested('transitions', since).length, 2);
  await finish(view, 'query-transitions');
});

test('time series grouped by reason over the panel interval', async () => {
  const since = server.requests.length;
  const view = await open({ view: 'query', queryType: 'timeseries' });
  const { page } = view;
  await waitForRows(page, 60);
  const [search] = requested('series', since);
  assert.match(search, /step=60000&groupBy=reason$/);
  const table = await page.getByTestId('results').innerText();
  for (const reason of ['EvictionByEvictionAPI', 'OOMKilled', 'Unschedulable', 'Evicted']) {
    assert.ok(table.includes(reason), `${reason} in ${table}`);
  }
  await finish(view, 'query-timeseries');
});

test('variable editor: pods within namespaces from a multi-value variable', async () => {
  const since = server.requests.length;
  const view = await open({ view: 'variable' });
  const { page } = view;
  await page.getByRole('radio', { name: 'Pods' }).click({ force: true });
  await page.getByLabel('In namespaces').fill('$namespace');
  await page.getByLabel('In namespaces').blur();
  await page.getByRole('button', { name: 'Run variable query' }).click();
  await page.getByText('batch-7').waitFor();
  assert.deepEqual(requested('values/pods', since), ['?namespace=shop&namespace=default']);
  assert.equal(await page.getByTestId('values').innerText(), 'api-1\nbatch-7\ndb-0\nweb-1\nweb-2');
  await finish(view, 'variable-editor');
});

test('variable editor: workloads as namespace/Kind/name', async () => {
  const since = server.requests.length;
  const view = await open({ view: 'variable' });
  const { page } = view;
  await page.getByRole('radio', { name: 'Workloads' }).click({ force: true });
  await page.getByRole('button', { name: 'Run variable query' }).click();
  await page.getByText('shop/StatefulSet/db').waitFor();
  assert.deepEqual(requested('values/workloads', since), ['']);
  assert.equal(
    await page.getByTestId('values').innerText(),
    'default/CronJob/batch\ndefault/Deployment/api\nshop/Deployment/web\nshop/StatefulSet/db'
  );
  await finish(view, 'variable-editor-workloads');
});

test('annotation editor: Karpenter evictions become annotations', async () => {
  const view = await open({ view: 'annotation' });
  const { page } = view;
  await pick(page, 'Initiators', 'karpenter');
  await page.getByRole('button', { name: 'Run annotation query' }).click();
  await page
    .getByText(
      'EvictionByEvictionAPI: shop/web-2 · Deployment/web · initiator karpenter · Underutilized · Eviction API: evicting [shop, eviction, karpenter]'
    )
    .waitFor();
  await finish(view, 'annotation-editor');
});

test('end to end: the Pods query through the data source, the real proxy and the real API server', async () => {
  const proxy = await startLiveProxy(
    ['crashloop-oom', 'karpenter-eviction', 'node-pressure-eviction', 'running'].map((name) => ({
      namespace: 'shop',
      name,
      scenario: name,
    }))
  );
  // The page server forwards /api/v1 to the proxy, as Grafana's data-source proxy route would.
  const live = await startPageServer(bundleDir, proxy.url);
  try {
    const view = await open({ view: 'query', queryType: 'pods', token: proxy.token }, live);
    const { page } = view;
    // Three abnormal pods; the healthy one is not listed by the default abnormal-only query.
    await waitForRows(page, 3);
    const table = await page.getByTestId('results').innerText();
    for (const text of [
      'crashloop-oom',
      'OOMKilled',
      'karpenter-eviction',
      'EvictionByEvictionAPI',
      'karpenter',
      'Underutilized',
      'Evicted',
      'memory',
    ]) {
      assert.ok(table.includes(text), `${text} in ${table}`);
    }
    assert.ok(
      live.requests.some((u) => u.pathname === '/api/v1/pods'),
      'the page asked the real proxy'
    );
    await finish(view, 'end-to-end-pods');
  } finally {
    await live.close();
    await proxy.stop();
  }
});
