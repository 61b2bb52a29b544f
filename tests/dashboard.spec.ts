import { expect, test } from '@grafana/plugin-e2e';

test.describe('the provisioned overview dashboard', () => {
  test('loads its variables and panels from the proxy without errors', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
    page,
  }) => {
    const dashboard = await readProvisionedDashboard({ fileName: 'podreasons-overview.json' });
    const namespaces = page.waitForResponse((r) =>
      r.url().includes('/api/datasources/proxy/uid/podreasons/podreasons/api/v1/values/namespaces')
    );
    const summary = page.waitForResponse((r) =>
      r.url().includes('/api/datasources/proxy/uid/podreasons/podreasons/api/v1/summary')
    );
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    await expect(namespaces).toBeOK();
    await expect(summary).toBeOK();
    await expect(dashboardPage).not.toHavePanelErrors();
  });

  test('streams abnormal pods, and a pod links to this dashboard filtered on it', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
    page,
  }) => {
    const dashboard = await readProvisionedDashboard({ fileName: 'podreasons-overview.json' });
    const socket = page.waitForEvent('websocket', (ws) => ws.url().includes('/podreasons/api/v1/stream?kind=pods'));
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const panel = dashboardPage.getPanelByTitle('Abnormal pods');
    await panel.scrollIntoView();
    await socket;
    // The demo keeps a payments worker OOM-looping, so the table is never empty.
    await expect(panel.fieldNames).toContainText(['Namespace', 'Pod', 'Reason']);
    const link = panel.locator.getByRole('link').first();
    const target = new URL((await link.getAttribute('href'))!, page.url());
    expect(target.pathname).toMatch(/\/d\/podreasons-overview$/);
    expect(target.searchParams.get('var-pod')).toBeTruthy();
    expect(target.searchParams.get('from')).toBeTruthy();
    const namespace = target.searchParams.get('var-namespace')!;
    await link.click();
    await expect(page).toHaveURL(new RegExp(`var-namespace=${namespace}(&|$)`));
  });

  test('a workload links to this dashboard filtered on it, as namespace/Kind/name', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
    page,
  }) => {
    const dashboard = await readProvisionedDashboard({ fileName: 'podreasons-overview.json' });
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const panel = dashboardPage.getPanelByTitle('Abnormal pods');
    await panel.scrollIntoView();
    await expect(panel.fieldNames).toContainText(['Workload kind', 'Workload', 'Node pool']);
    const link = panel.locator.locator('a[href*="var-workload="]').first();
    const target = new URL((await link.getAttribute('href'))!, page.url());
    expect(target.pathname).toMatch(/\/d\/podreasons-overview$/);
    const workload = target.searchParams.get('var-workload')!;
    expect(workload).toMatch(/^[\w-]+\/\w+\/\S+$/);
    const summary = page.waitForResponse(
      (r) =>
        r.url().includes('/podreasons/api/v1/summary') && r.url().includes(`workload=${encodeURIComponent(workload)}`)
    );
    await link.click();
    await expect(summary).toBeOK();
  });
});
