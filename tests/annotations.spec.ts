import { expect, test } from '@grafana/plugin-e2e';

test('transitions in the range become annotations, filtered like panels', async ({
  annotationEditPage,
  readProvisionedDataSource,
  selectors,
  page,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml', name: 'Pod Reasons' });
  // The editor runs the annotation query as soon as the data source is chosen, and after each change.
  const transitions = page.waitForResponse((r) => r.url().includes('/podreasons/api/v1/transitions'));
  await annotationEditPage.datasource.set(ds.name);
  await expect(transitions).toBeOK();
  await expect(page.getByText(/\d+ events \(from \d+ fields\)|No events found/)).toBeVisible();

  const evictions = page.waitForResponse(
    (r) => r.url().includes('/podreasons/api/v1/transitions') && r.url().includes('category=eviction')
  );
  await page.getByRole('combobox', { name: 'Categories' }).click();
  await page.getByRole('option', { name: 'eviction', exact: true }).click();
  await page.keyboard.press('Escape');
  await expect(evictions).toBeOK();

  const again = page.waitForResponse((r) => r.url().includes('/podreasons/api/v1/transitions'));
  await annotationEditPage.getByGrafanaSelector(selectors.components.Annotations.editor.testButton).click();
  await expect(again).toBeOK();
  await expect(page.getByText(/\d+ events \(from \d+ fields\)|No events found/)).toBeVisible();
});
