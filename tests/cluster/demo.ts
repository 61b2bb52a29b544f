// A continuous demo on a real API server: a small shop cluster where Karpenter consolidates nodes,
// a service OOM-loops, a node shuts down, an operator drains a node and PodGC cleans up orphans.
//
//   node tests/cluster/demo.ts --kubeconfig <file>     plays until interrupted
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { Cluster } from './driver.ts';
import {
  MESSAGES,
  containerStatus,
  podStatus,
  readyConditions,
  runningStatus,
  terminationByKubelet,
} from './kubelet.ts';

const NAMESPACES = ['shop', 'payments', 'batch', 'team-a'];
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
  });

export class Demo {
  private readonly cluster: Cluster;
  private readonly log: (line: string) => void;
  private serial = 0;

  constructor(kc: KubeConfig, log: (line: string) => void = () => {}) {
    this.cluster = new Cluster(kc);
    this.log = log;
  }

  private id(): string {
    return (this.serial++).toString(36).padStart(5, '0');
  }

  /** A running pod, as a Deployment's replica would be once the kubelet started it. */
  private async runPod(ns: string, app: string, node: string): Promise<string> {
    const name = `${app}-${this.id()}`;
    await this.cluster.createPod(ns, name, { node, labels: { app } });
    await this.cluster.setPodStatus(ns, name, runningStatus());
    return name;
  }

  async setUp(): Promise<void> {
    for (const ns of NAMESPACES) {
      await this.cluster.ensureNamespace(ns);
    }
    for (let i = 1; i <= 4; i++) {
      await this.cluster.createNode(`ip-10-0-1-${i}`, {
        labels: { 'karpenter.sh/nodepool': 'default', 'topology.kubernetes.io/zone': `eu-west-1${'abc'[i % 3]}` },
      });
    }
    for (let i = 0; i < 6; i++) {
      await this.runPod('shop', i % 2 ? 'web' : 'cart', `ip-10-0-1-${(i % 4) + 1}`);
    }
    for (let i = 0; i < 3; i++) {
      await this.runPod('payments', 'ledger', `ip-10-0-1-${(i % 4) + 1}`);
    }
    await this.runPod('team-a', 'api', 'ip-10-0-1-1');
    this.log('demo: 4 nodes, 10 running pods in shop, payments and team-a');
  }

  /** Karpenter consolidates an underutilized node: taint, Evicted events, Eviction API, replacements. */
  async karpenterWave(): Promise<void> {
    const node = `ip-10-0-2-${this.id()}`;
    await this.cluster.createNode(node, { labels: { 'karpenter.sh/nodepool': 'default' } });
    const pods = [await this.runPod('shop', 'web', node), await this.runPod('shop', 'cart', node)];
    await this.cluster.taintNode(node, { key: 'karpenter.sh/disrupted', effect: 'NoSchedule' });
    for (const name of pods) {
      const pod = await this.cluster.core.readNamespacedPod({ namespace: 'shop', name });
      await this.cluster.podEvent('shop', pod, 'karpenter', 'Evicted', 'Evicted pod: Underutilized');
      await this.cluster.evictPod('shop', name);
    }
    this.log(`demo: Karpenter consolidates ${node} (2 pods evicted)`);
    // The kubelet confirms the termination after the grace period; here at once, then the node goes.
    await sleep(3000);
    for (const name of pods) {
      await this.cluster.deletePod('shop', name, 0);
    }
    await this.cluster.deleteNode(node);
    await this.runPod('shop', 'web', 'ip-10-0-1-2');
  }

  /** A payments worker that keeps getting OOMKilled. */
  async oomLoop(): Promise<void> {
    const name = `worker-${this.id()}`;
    await this.cluster.createPod('payments', name, { node: 'ip-10-0-1-3', labels: { app: 'worker' } });
    await this.cluster.setPodStatus(
      'payments',
      name,
      podStatus({
        phase: 'Running',
        conditions: readyConditions(false),
        containerStatuses: [
          containerStatus(
            'app',
            {
              waiting: 'CrashLoopBackOff',
              message: 'back-off 40s restarting failed container=app',
              last: { reason: 'OOMKilled', exitCode: 137 },
            },
            4
          ),
        ],
      })
    );
    this.log(`demo: payments/${name} is OOMKilled in a loop`);
  }

  /** Graceful node shutdown: the kubelet terminates its pods. */
  async nodeShutdown(): Promise<void> {
    const node = `ip-10-0-3-${this.id()}`;
    await this.cluster.createNode(node);
    const name = await this.runPod('batch', 'report', node);
    await this.cluster.setPodStatus(
      'batch',
      name,
      podStatus({
        phase: 'Failed',
        reason: 'Terminated',
        message: MESSAGES.nodeShutdown,
        conditions: [...readyConditions(false), terminationByKubelet(MESSAGES.nodeShutdown)],
        containerStatuses: [containerStatus('app', { terminated: true, reason: 'Error', exitCode: 143 })],
      })
    );
    this.log(`demo: ${node} shut down, batch/${name} terminated`);
  }

  /** An operator drains a node: cordon, then the Eviction API. */
  async drain(): Promise<void> {
    const node = `ip-10-0-4-${this.id()}`;
    await this.cluster.createNode(node);
    const name = await this.runPod('team-a', 'api', node);
    await this.cluster.cordonNode(node);
    await this.cluster.taintNode(node, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    await this.cluster.evictPod('team-a', name);
    this.log(`demo: ${node} drained, team-a/${name} evicted`);
    await sleep(3000);
    await this.cluster.deletePod('team-a', name, 0);
  }

  /** A node vanishes and PodGC removes its orphaned pod. */
  async podGcOrphan(): Promise<void> {
    const node = `ip-10-0-5-${this.id()}`;
    await this.cluster.createNode(node);
    const name = await this.runPod('shop', 'cart', node);
    await this.cluster.deleteNode(node);
    await this.cluster.garbageCollectPod('shop', name);
    this.log(`demo: ${node} is gone, PodGC removed shop/${name}`);
  }

  /** Plays the steps in turn until the signal aborts. */
  async play(signal: AbortSignal, pauseMs = 8000): Promise<void> {
    await this.setUp();
    const steps = [
      () => this.karpenterWave(),
      () => this.oomLoop(),
      () => this.nodeShutdown(),
      () => this.drain(),
      () => this.podGcOrphan(),
    ];
    for (let i = 0; !signal.aborted; i++) {
      try {
        await steps[i % steps.length]();
      } catch (err) {
        this.log(`demo: step failed: ${(err as Error).message}`);
      }
      await sleep(pauseMs, signal);
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { kubeconfig: { type: 'string' }, context: { type: 'string' } } });
  const kc = new KubeConfig();
  if (values.kubeconfig) {
    kc.loadFromFile(values.kubeconfig);
  } else {
    kc.loadFromDefault();
  }
  if (values.context) {
    kc.setCurrentContext(values.context);
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  await new Demo(kc, (line) => console.log(line)).play(controller.signal);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`demo: ${(err as Error).message}`);
    process.exit(1);
  });
}
