// Creates pods and writes pods/status over kept-alive HTTPS connections. client-node's agent does
// not keep connections alive, so each of its requests pays a TLS handshake; at thousands of writes a
// second that would measure the load generator instead of the API server and the proxy.
import { Agent, request } from 'node:https';
import type { KubeConfig, V1Pod, V1PodStatus } from '@kubernetes/client-node';

export class StatusWriter {
  private readonly agent: Agent;
  private readonly server: string;
  private readonly token: string;

  constructor(kc: KubeConfig, maxSockets: number) {
    const cluster = kc.getCurrentCluster();
    const token = kc.getCurrentUser()?.token;
    if (!cluster || !token) {
      throw new Error('the kubeconfig context needs a cluster and a bearer token');
    }
    this.server = cluster.server;
    this.token = token;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets,
      ca: cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined,
    });
  }

  /** Creates a pod (POST), as a controller does. */
  createPod(pod: V1Pod): Promise<void> {
    return this.create('/api/v1', 'pods', pod);
  }

  /** Creates a namespaced object (POST) of `resource` in the API group at `groupPath` (e.g. /apis/apps/v1). */
  create(groupPath: string, resource: string, object: { metadata?: { namespace?: string } }): Promise<void> {
    const path = `${groupPath}/namespaces/${object.metadata!.namespace}/${resource}`;
    return this.send('POST', path, 'application/json', object, 201);
  }

  /** A JSON merge patch of pods/status, as the kubelet's status manager sends one. */
  patch(namespace: string, name: string, status: Partial<V1PodStatus>): Promise<void> {
    const path = `/api/v1/namespaces/${namespace}/pods/${name}/status`;
    return this.send('PATCH', path, 'application/merge-patch+json', { status }, 200);
  }

  private send(method: string, path: string, contentType: string, object: object, expected: number): Promise<void> {
    const body = JSON.stringify(object);
    const url = new URL(path, this.server);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          timeout: 30_000,
          headers: {
            Authorization: `Bearer ${this.token}`,
            'Content-Type': contentType,
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode === expected) {
              resolve();
            } else {
              reject(
                new Error(`${method} ${path}: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`)
              );
            }
          });
        }
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
