// What may the proxy read? Asked of the API server with SelfSubjectAccessReviews (allowed for every
// authenticated user), so that the proxy picks its scope instead of failing on 403s.
import type { Permission } from '../contract/index.ts';
import type { KubeClient } from './kube-client.ts';

/** `watch`: list and watch; `list`: list only (polled); `forbidden`: neither (as /api/v1/status reports it). */
export type Access = Permission;

export interface Permissions {
  /** null: cluster scope; otherwise the namespaces whose pods the proxy may read. */
  namespaces: string[] | null;
  pods: Access;
  nodes: Access;
  events: Access;
  /** Namespaces asked for (or found) whose pods are forbidden. */
  deniedNamespaces: string[];
  /** Namespaced scope: each watched namespace's own access, so one weak namespace weakens no other. */
  byNamespace: Record<string, { pods: Access; events: Access }>;
}

export async function canI(client: KubeClient, verb: string, resource: string, namespace = ''): Promise<boolean> {
  const review = await client.post<{ status?: { allowed?: boolean } }>(
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, resource, namespace: namespace || undefined } },
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
      const [nodes, events] = await Promise.all([access(client, 'nodes'), access(client, 'events')]);
      return { namespaces: null, pods, nodes, events, deniedNamespaces: [], byNamespace: {} };
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
    candidates.map(async (ns) => ({
      ns,
      pods: await access(client, 'pods', ns),
      events: await access(client, 'events', ns),
    }))
  );
  const allowed = perNamespace.filter((p) => p.pods !== 'forbidden');
  return {
    namespaces: allowed.map((p) => p.ns),
    pods: weakest(allowed.map((p) => p.pods)),
    nodes: await access(client, 'nodes'),
    events: weakest(allowed.map((p) => p.events)),
    deniedNamespaces: perNamespace.filter((p) => p.pods === 'forbidden').map((p) => p.ns),
    byNamespace: Object.fromEntries(allowed.map((p) => [p.ns, { pods: p.pods, events: p.events }])),
  };
}
