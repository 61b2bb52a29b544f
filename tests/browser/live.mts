// A live Pod Reasons proxy for the end-to-end browser tests: the real API server, the real proxy
// watching it with a read-only identity, and pods in states from tests/cluster/scenarios.ts.
import { startApiServer } from '../cluster/apiserver.ts';
import { Cluster } from '../cluster/driver.ts';
import { SCENARIOS, createNodes } from '../cluster/scenarios.ts';
import { serve, type RunningProxy } from '../../pkg-proxy/src/serve.ts';

export interface LivePod {
  namespace: string;
  name: string;
  /** A scenario of tests/cluster/scenarios.ts. */
  scenario: string;
}

export interface LiveProxy {
  /** The proxy's base URL on 127.0.0.1. */
  url: string;
  token: string;
  stop(): Promise<void>;
}

export async function startLiveProxy(pods: LivePod[], nodePrefix = 'e2e'): Promise<LiveProxy> {
  const apiServer = await startApiServer();
  const token = 'browser-e2e-token';
  let proxy: RunningProxy | undefined;
  const stop = async () => {
    await proxy?.stop();
    await apiServer.stop();
  };
  try {
    proxy = await serve({
      kubeconfig: apiServer.kubeconfigPath,
      context: 'cluster-reader',
      host: '127.0.0.1',
      port: 0,
      namespaces: null,
      token,
      ksmCompatibleMetrics: false,
      store: {},
      watchTimeoutSeconds: 300,
      watchSilenceMs: 90_000,
      notReadyAfterMs: 300_000,
      pollIntervalMs: 15_000,
      logLevel: 'silent',
    });
    const cluster = new Cluster(apiServer.kubeConfig('admin'));
    const nodes = await createNodes(cluster, nodePrefix);
    for (const pod of pods) {
      const scenario = SCENARIOS.find((s) => s.name === pod.scenario);
      if (!scenario) {
        throw new Error(`no scenario ${pod.scenario} in tests/cluster/scenarios.ts`);
      }
      await cluster.ensureNamespace(pod.namespace);
      await scenario.play(cluster, pod.namespace, pod.name, nodes);
    }
    return { url: proxy.url, token, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
