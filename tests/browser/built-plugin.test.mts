// What users install, in a real browser: the package of `npm run package`, unpacked as Grafana's
// installer unpacks it, its module.js loaded the way Grafana loads plugins (SystemJS's AMD define,
// the externals resolved to the real @grafana/data, ui and runtime, React, rxjs and @emotion/css),
// its own config and query editors, and a Pods query against the real proxy watching the real API
// server. Screenshots in both themes go to tests/screenshots/; `npm run screenshots` also writes
// them to src/img/screenshots/, the pictures plugin.json and the README show.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { unzipSync } from 'fflate';
import type { Browser } from 'playwright-core';

import { SCENARIOS } from '../cluster/scenarios.ts';
import { PACKAGE_DIR, zipName } from '../../scripts/package.ts';
import { bundle, launchChromium, openView, waitForRows, type View } from './browser.mts';
import { startLiveProxy, type LivePod, type LiveProxy } from './live.mts';
import { startPageServer, type PageServer } from './server.mts';
import { pageConfig } from './webpack.config.mts';

const root = path.resolve(import.meta.dirname, '../..');
const hostDir = path.join(root, '.cache', 'browser-host');
const screenshots = path.join(root, 'tests', 'screenshots');
const productScreenshots = path.join(root, 'src', 'img', 'screenshots');
const updateProductScreenshots = process.env.UPDATE_SCREENSHOTS === '1';

const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const PLUGIN_ID: string = readJson('src/plugin.json').id;
const VERSION: string = readJson('package.json').version;
const THEMES = ['dark', 'light'] as const;

/** A small shop: abnormal pods of several kinds across namespaces, and a healthy one. */
const PODS: LivePod[] = [
  { namespace: 'shop', name: 'cart-5f6g7-a1s2d', scenario: 'crashloop-oom' },
  { namespace: 'shop', name: 'checkout-7c8d9-k2l4m', scenario: 'karpenter-eviction' },
  { namespace: 'shop', name: 'report-7f9c4-9bq2d', scenario: 'node-pressure-eviction' },
  { namespace: 'shop', name: 'search-6f7a8-q9w8e', scenario: 'autoscaler-eviction' },
  { namespace: 'shop', name: 'web-6b7d9-4hj2k', scenario: 'running' },
  { namespace: 'payments', name: 'ledger-0', scenario: 'image-pull-backoff' },
  { namespace: 'payments', name: 'settle-28391-x7k2p', scenario: 'unschedulable' },
  { namespace: 'default', name: 'legacy-app-5d4c3-z1x2c', scenario: 'drain-eviction' },
];
const expected = (pod: LivePod) => SCENARIOS.find((s) => s.name === pod.scenario)!.expect;

let pluginsDir: string;
let proxy: LiveProxy;
let server: PageServer;
let browser: Browser;

/** Unpacks the package into a plugins folder, as Grafana does (one folder per plugin id). */
function unpack(zip: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'podreasons-plugins-'));
  for (const [name, data] of Object.entries(unzipSync(readFileSync(zip)))) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
  }
  return dir;
}

before(async () => {
  const zip = path.join(PACKAGE_DIR, zipName(PLUGIN_ID, VERSION));
  assert.ok(existsSync(zip), `${zip} is missing: run npm run package first (npm run test:browser does)`);
  pluginsDir = unpack(zip);
  mkdirSync(screenshots, { recursive: true });
  mkdirSync(productScreenshots, { recursive: true });
  [proxy] = await Promise.all([startLiveProxy(PODS, 'worker'), bundle(pageConfig(hostDir, 'host'))]);
  // Grafana serves plugins under public/plugins/<id>/ and sends the data source's calls to its proxy.
  server = await startPageServer(hostDir, proxy.url, {
    script: 'host.js',
    folders: { '/public/plugins/': pluginsDir },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await proxy?.stop();
  if (pluginsDir) {
    rmSync(pluginsDir, { recursive: true, force: true });
  }
});

/** Opens the host page once the plugin is loaded, or fails with the reason it could not be. */
async function open(params: Record<string, string>): Promise<View> {
  const query = new URLSearchParams({ plugin: PLUGIN_ID, proxy: server.origin, token: proxy.token, ...params });
  // The host page is as wide as the overview dashboard's Pods table needs (tests/browser/host/).
  const view = await openView(browser, `${server.origin}/?${query}`, 1560);
  const loaded = view.page.getByTestId('panel').or(view.page.getByTestId('load-error'));
  await loaded.waitFor();
  const loadError = view.page.getByTestId('load-error');
  assert.equal(await loadError.count(), 0, `the plugin did not load: ${await loadError.allInnerTexts()}`);
  return view;
}

/** Saves what a user sees of the view, then fails on any problem the page had. */
async function finish({ page, problems }: View, name: string) {
  await page.evaluate(() => document.fonts.ready);
  const picture = await page.getByTestId('panel').screenshot({ path: path.join(screenshots, `${name}.png`) });
  if (updateProductScreenshots) {
    writeFileSync(path.join(productScreenshots, `${name}.png`), picture);
  }
  await page.close();
  assert.deepEqual(problems, []);
}

for (const theme of THEMES) {
  test(`config editor of the built plugin, ${theme} theme`, async () => {
    const view = await open({ view: 'config', theme });
    const { page } = view;
    await page.getByLabel(/^Proxy URL/).fill('http://podreasons-proxy.monitoring:8080');
    await page.getByLabel(/^Token/).fill('a-long-random-token');
    await page.getByLabel(/^Token/).blur();
    const options = JSON.parse(await page.getByTestId('options').innerText());
    assert.deepEqual(options.jsonData, { proxyUrl: 'http://podreasons-proxy.monitoring:8080' });
    assert.deepEqual(options.secureJsonData, { token: 'a-long-random-token' });
    await finish(view, `config-editor-${theme}`);
  });

  test(`Pods query of the built plugin against the real proxy, ${theme} theme`, async () => {
    const since = server.requests.length;
    const view = await open({ view: 'query', theme });
    const { page } = view;
    const abnormal = PODS.filter((pod) => expected(pod).abnormal);
    // The default query lists abnormal pods only.
    await waitForRows(page, abnormal.length);
    const table = await page.getByTestId('results').innerText();
    for (const pod of abnormal) {
      const { reason, initiator } = expected(pod);
      for (const text of [pod.name, reason, initiator ?? '']) {
        assert.ok(table.includes(text), `${text} (${pod.name}) in ${table}`);
      }
    }
    assert.ok(!table.includes('web-6b7d9-4hj2k'), 'the healthy pod is not listed');
    assert.ok(
      server.requests.slice(since).some((url) => url.pathname === '/api/v1/pods'),
      'the page asked the real proxy'
    );
    await finish(view, `pods-query-${theme}`);
  });
}
