// The chart never gives the proxy an empty token: rendered with lookup against the real API server
// (helm template --dry-run=server), as an install or an upgrade renders it.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { helm } from '../../../tests/cluster/helm.ts';

const CHART = fileURLToPath(new URL('../../deploy/helm/podreasons', import.meta.url));
const server = sharedApiServer();
const admin = new Cluster(server.kubeConfig('admin'));
const ns = `chart-token-${Date.now()}`;

const secret = (name: string, token: string) =>
  admin.core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name }, data: { token: Buffer.from(token).toString('base64') } },
  });

const render = async (...set: string[]) => {
  const args = ['template', 'r', CHART, '-n', ns, '--dry-run=server', '--kubeconfig', server.kubeconfigPath];
  const { stdout } = await helm([...args, '--kube-context', 'admin', ...set.flatMap((s) => ['--set', s])]);
  return parseAllDocuments(stdout).map((d) => d.toJS());
};

describe('chart: the token Secret', () => {
  before(() => admin.ensureNamespace(ns));

  test('an empty or blank token kept from an earlier release is replaced by a new one', async () => {
    await secret('r-podreasons-token', ' \n');
    const made = (await render()).find((d) => d?.kind === 'Secret' && d.metadata.name === 'r-podreasons-token');
    const token = Buffer.from(made.data.token, 'base64').toString();
    assert.match(token, /^[A-Za-z0-9]{48}$/);
  });

  test('an existing Secret whose token is empty refuses to render', async () => {
    await secret('empty', '');
    await assert.rejects(render('auth.existingSecret=empty'), /"token" of Secret empty is missing or empty/);
  });

  test('an existing Secret with a token renders, and the chart makes no Secret of its own', async () => {
    await secret('given', 'a-real-token');
    const docs = await render('auth.existingSecret=given');
    assert.equal(docs.filter((d) => d?.kind === 'Secret').length, 0);
  });
});
