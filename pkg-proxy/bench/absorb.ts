// The store's own absorption rate, without the API server: the pods of the cluster, read raw from
// the API server once, fill a PodStore; then watch-event lines of the churn (the same status
// updates) are parsed and applied as fast as one thread can.
import type { KubeConfig } from '@kubernetes/client-node';
import { rawRequest } from '../../tests/cluster/raw.ts';
import { PodStore } from '../src/store/store.ts';
import { churnStatus } from './workload.ts';

interface RawPod {
  metadata: { namespace: string; name: string; resourceVersion?: string };
  status?: object;
}

/** Every pod of the cluster as the API serves it, page by page, handed to `each`. */
async function eachPod(kc: KubeConfig, each: (pod: RawPod) => void): Promise<void> {
  let token = '';
  do {
    const res = await rawRequest(
      kc,
      `/api/v1/pods?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
      {},
      'GET',
      60_000
    );
    if (res.status !== 200) {
      throw new Error(`listing pods: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    }
    const page = JSON.parse(res.body) as { items: RawPod[]; metadata: { continue?: string } };
    page.items.forEach(each);
    token = page.metadata.continue ?? '';
  } while (token);
}

export interface Absorption {
  events: number;
  seconds: number;
  perSecond: number;
}

/**
 * Fills a store with the cluster's pods, then times JSON.parse + applyPod for `rounds` flaps of
 * the churn pods (`churnPods`: "namespace/name"), as MODIFIED watch-event lines.
 */
export async function absorbInProcess(
  kc: KubeConfig,
  churnPods: readonly string[],
  rounds: number
): Promise<Absorption> {
  const store = new PodStore();
  const templates = new Map<string, RawPod>();
  const wanted = new Set(churnPods);
  await eachPod(kc, (pod) => {
    store.applyPod('ADDED', pod as never);
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (wanted.has(key)) {
      templates.set(key, pod);
    }
  });
  const lines: string[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const key of churnPods) {
      const pod = templates.get(key)!;
      const object = {
        ...pod,
        metadata: { ...pod.metadata, resourceVersion: String(1e9 + lines.length) },
        status: { ...pod.status, ...churnStatus(round) },
      };
      lines.push(JSON.stringify({ type: 'MODIFIED', object }));
    }
  }
  const start = performance.now();
  for (const line of lines) {
    const event = JSON.parse(line) as { type: 'MODIFIED'; object: never };
    store.applyPod(event.type, event.object);
  }
  const seconds = (performance.now() - start) / 1000;
  return { events: lines.length, seconds, perSecond: lines.length / seconds };
}
