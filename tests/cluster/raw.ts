// Raw HTTPS requests to the API server, for what the typed client does not expose: server-side
// Table printing (kubectl's STATUS column) and watch streams read line by line.
import { request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface RawResponse {
  status: number;
  body: string;
}

/** One request with the identity of the kubeconfig's current context. */
export function rawRequest(
  kc: KubeConfig,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  timeoutMs = 10_000
): Promise<RawResponse> {
  const cluster = kc.getCurrentCluster()!;
  const user = kc.getCurrentUser()!;
  const url = new URL(path, cluster.server);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined,
        headers: { Authorization: `Bearer ${user.token}`, ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms: ${method} ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** The STATUS cell that `kubectl get pod` prints, as the API server's pod printer computes it. */
export async function kubectlStatusFromServer(kc: KubeConfig, namespace: string, name: string): Promise<string> {
  const res = await rawRequest(kc, `/api/v1/namespaces/${namespace}/pods/${name}`, {
    Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
  });
  if (res.status !== 200) {
    throw new Error(`Table request for ${namespace}/${name}: HTTP ${res.status} ${res.body}`);
  }
  const table = JSON.parse(res.body) as {
    columnDefinitions: Array<{ name: string }>;
    rows: Array<{ cells: unknown[] }>;
  };
  const column = table.columnDefinitions.findIndex((c) => c.name === 'Status');
  return String(table.rows[0].cells[column]);
}
