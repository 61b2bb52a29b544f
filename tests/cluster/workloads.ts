// What the workload controllers create, played without them (no controller-manager runs here):
// Deployments, StatefulSets, DaemonSets and CronJobs, and the ReplicaSets and Jobs they own, each
// carrying the controller ownerReference the controllers write. Pods name them with
// `PodSpec.owner` (driver.ts).
import { AppsV1Api, BatchV1Api, type KubeConfig, type V1OwnerReference } from '@kubernetes/client-node';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob' | 'ReplicaSet' | 'Job';

const API_VERSION: Record<WorkloadKind, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  CronJob: 'batch/v1',
  Job: 'batch/v1',
};

const template = (name: string, restartPolicy?: string) => ({
  metadata: { labels: { app: name } },
  spec: { restartPolicy, containers: [{ name: 'app', image: `registry.example/${name}:1.0` }] },
});

export class Workloads {
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;

  constructor(kc: KubeConfig) {
    this.apps = kc.makeApiClient(AppsV1Api);
    this.batch = kc.makeApiClient(BatchV1Api);
  }

  /** Creates the object, owned by `owner` as its controller would; returns the reference its own children carry. */
  async create(
    namespace: string,
    kind: WorkloadKind,
    name: string,
    owner?: V1OwnerReference
  ): Promise<V1OwnerReference> {
    const metadata = { name, namespace, ownerReferences: owner ? [owner] : undefined };
    const selector = { matchLabels: { app: name } };
    const created = await {
      Deployment: () =>
        this.apps.createNamespacedDeployment({
          namespace,
          body: { metadata, spec: { selector, template: template(name) } },
        }),
      ReplicaSet: () =>
        this.apps.createNamespacedReplicaSet({
          namespace,
          body: { metadata, spec: { selector, template: template(name) } },
        }),
      StatefulSet: () =>
        this.apps.createNamespacedStatefulSet({
          namespace,
          body: { metadata, spec: { selector, serviceName: name, template: template(name) } },
        }),
      DaemonSet: () =>
        this.apps.createNamespacedDaemonSet({
          namespace,
          body: { metadata, spec: { selector, template: template(name) } },
        }),
      Job: () =>
        this.batch.createNamespacedJob({ namespace, body: { metadata, spec: { template: template(name, 'Never') } } }),
      CronJob: () =>
        this.batch.createNamespacedCronJob({
          namespace,
          body: {
            metadata,
            spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: template(name, 'Never') } } },
          },
        }),
    }[kind]();
    return {
      apiVersion: API_VERSION[kind],
      kind,
      name,
      uid: created.metadata!.uid!,
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  /** Deletes a ReplicaSet or Job; no garbage collector runs, so its pods stay (as with --cascade=orphan). */
  async delete(namespace: string, kind: 'ReplicaSet' | 'Job', name: string): Promise<void> {
    if (kind === 'ReplicaSet') {
      await this.apps.deleteNamespacedReplicaSet({ namespace, name });
    } else {
      await this.batch.deleteNamespacedJob({ namespace, name });
    }
  }
}
