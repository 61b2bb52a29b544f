// What the deployment test needs beside the API server harness and Helm (tests/cluster/helm.ts): a
// minimal HTTPS client that reports the server's status as is, server-side apply, and credentials
// of a ServiceAccount.
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer, sharedApiServer, type ApiServer } from '../cluster/apiserver.ts';

/** The harness of the test run's global setup, or one of our own when a file runs alone. */
export async function apiServer(): Promise<{ server: ApiServer; release(): Promise<void> }> {
  if (process.env.PODREASONS_TEST_KUBECONFIG) {
    return { server: sharedApiServer(), release: async () => {} };
  }
  const server = await startApiServer();
  return { server, release: () => server.stop() };
}

export interface KubeResponse {
  status: number;
  body: any;
}

/** One request as the kubeconfig's current user; any status comes back, for the test to judge. */
export function kubeRequest(
  kc: KubeConfig,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json'
): Promise<KubeResponse> {
  const cluster = kc.getCurrentCluster()!;
  const url = new URL(path, cluster.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined,
        headers: {
          Authorization: `Bearer ${kc.getCurrentUser()!.token}`,
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        // Paths the server does not serve yet answer in plain text.
        const parse = () =>
          res.headers['content-type']?.includes('json') ? JSON.parse(text) : { message: text.trim() };
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? parse() : undefined }));
      }
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The REST path of an object; plurals follow the regular English rule, which holds for every kind used here. */
export function objectPath(obj: any): string {
  const plural = `${obj.kind.toLowerCase().replace(/y$/, 'ie')}s`;
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const ns = obj.metadata.namespace ? `/namespaces/${obj.metadata.namespace}` : '';
  return `${base}${ns}/${plural}/${obj.metadata.name}`;
}

/** Server-side apply, as `kubectl apply --server-side`; `dryRun` validates and admits without storing. */
export function serverSideApply(kc: KubeConfig, obj: any, dryRun: boolean): Promise<KubeResponse> {
  const query = `fieldManager=podreasons-stack-test&force=true&fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`;
  return kubeRequest(kc, 'PATCH', `${objectPath(obj)}?${query}`, obj, 'application/apply-patch+yaml');
}

/** A kubeconfig file for a ServiceAccount, with a token from the TokenRequest API, as a pod would have. */
export async function serviceAccountKubeconfig(
  admin: KubeConfig,
  namespace: string,
  name: string,
  file: string
): Promise<KubeConfig> {
  const res = await kubeRequest(admin, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  if (res.status !== 201) {
    throw new Error(`TokenRequest for ${namespace}/${name}: ${res.status} ${res.body?.message}`);
  }
  const cluster = admin.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: cluster.server, caData: cluster.caData, skipTLSVerify: false }],
    users: [{ name, token: res.body.status.token }],
    contexts: [{ name, cluster: 'test', user: name, namespace }],
    currentContext: name,
  });
  writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return kc;
}
