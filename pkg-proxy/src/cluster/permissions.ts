// What may the proxy read? Asked of the API server with SelfSubjectAccessReviews (allowed for every
// authenticated user), so that the proxy picks its scope instead of failing on 403s.
import type { Permission } from '../contract/index.ts';
import type { KubeClient } from './kube-client.ts';

/** `watch`: list and watch; `list`: list only (polled); `forbidden`: neither (as /api/v1/status reports it). */
export type Access = Permission;

/** What the proxy reads in each namespace of its scope (nodes are cluster-wide). */
export const NAMESPACED = ['pods', 'events', 'replicasets', 'jobs'] as const;
export type Namespaced = (typeof NAMESPACED)[number];

/** What the proxy cannot tell where an optional namespaced resource is forbidden (status, log). */
export const WITHOUT = {
  events: 'event-based initiators are unavailable',
  replicasets: 'workloads are ReplicaSets, not the Deployments above them',
  jobs: 'workloads are Jobs, not the CronJobs above them',
} as const satisfies Record<Exclude<Namespaced, 'pods'>, string>;

/** The API group of each resource; the core group ('') for the others. */
const GROUPS: Record<string, string> = { replicasets: 'apps', jobs: 'batch' };

export interface Permissions {
  /** null: cluster scope; otherwise the namespaces whose pods the proxy may read. */
  namespaces: string[] | null;
  pods: Access;
  nodes: Access;
  events: Access;
  /** Metadata of ReplicaSets and Jobs: they name the Deployments and CronJobs of pods. */
  replicasets: Access;
  jobs: Access;
  /** Namespaces asked for (or found) whose pods are forbidden. */
  deniedNamespaces: string[];
  /** Namespaced scope: each watched namespace's own access, so one weak namespace weakens no other. */
  byNamespace: Record<string, Record<Namespaced, Access>>;
}

export async function canI(client: KubeClient, verb: string, resource: string, namespace = ''): Promise<boolean> {
  const review = await client.post<{ status?: { allowed?: boolean } }>(
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, group: GROUPS[resource], resource, namespace: namespace || undefined } },
    }
  );
  return review.status?.allowed === true;
}

async function access(client: KubeClient, resource: string, namespace = ''): Promise<Access> {
  const [list, watch] = await Promise.all([
    canI(client, 'list', resource, namespace),
    canI(client, 'watch', resource, namespace),
  ]);
  return list && watch ? 'watch' : list ? 'list' : 'forbidden';
}

/** The weakest access across namespaces: the summary that status and logs report. */
export function weakest(values: Access[]): Access {
  if (values.length === 0 || values.includes('forbidden')) {
    return 'forbidden';
  }
  return values.includes('list') ? 'list' : 'watch';
}

/**
 * Cluster scope when pods may be read cluster-wide and no namespaces were asked for; otherwise the
 * asked namespaces, or those found by listing namespaces, that allow reading pods.
 */
export async function discoverPermissions(client: KubeClient, askedNamespaces: string[] | null): Promise<Permissions> {
  if (!askedNamespaces) {
    const pods = await access(client, 'pods');
    if (pods !== 'forbidden') {
      const [nodes, events, replicasets, jobs] = await Promise.all(
        ['nodes', 'events', 'replicasets', 'jobs'].map((resource) => access(client, resource))
      );
      return { namespaces: null, pods, nodes, events, replicasets, jobs, deniedNamespaces: [], byNamespace: {} };
    }
  }
  let candidates = askedNamespaces;
  if (!candidates) {
    if (!(await canI(client, 'list', 'namespaces'))) {
      throw new Error(
        'this identity may not list pods cluster-wide nor list namespaces: pass --namespaces with the namespaces it may read'
      );
    }
    const list = await client.get<{ items: Array<{ metadata: { name: string } }> }>('/api/v1/namespaces');
    candidates = list.items.map((n) => n.metadata.name);
  }
  const perNamespace = await Promise.all(
    candidates.map(async (ns) => {
      const found = await Promise.all(NAMESPACED.map((resource) => access(client, resource, ns)));
      return { ns, access: Object.fromEntries(NAMESPACED.map((r, i) => [r, found[i]])) as Record<Namespaced, Access> };
    })
  );
  const allowed = perNamespace.filter((p) => p.access.pods !== 'forbidden');
  const across = (resource: Namespaced) => weakest(allowed.map((p) => p.access[resource]));
  return {
    namespaces: allowed.map((p) => p.ns),
    pods: across('pods'),
    nodes: await access(client, 'nodes'),
    events: across('events'),
    replicasets: across('replicasets'),
    jobs: across('jobs'),
    deniedNamespaces: perNamespace.filter((p) => p.access.pods === 'forbidden').map((p) => p.ns),
    byNamespace: Object.fromEntries(allowed.map((p) => [p.ns, p.access])),
  };
}
