// `npm start`: serve pod reasons for the current kubeconfig context; with no cluster configured,
// start the real API server of tests/apiserver/ with a continuous demo, so there is data at once.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterConfigured } from '../pkg-proxy/src/serve.ts';
import { startApiServer } from '../tests/cluster/apiserver.ts';
import { Demo } from '../tests/cluster/demo.ts';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const listen = process.env.PODREASONS_LISTEN ?? '127.0.0.1:8080';

function serve(args: string[]) {
  return spawn(
    process.execPath,
    [join(root, 'pkg-proxy', 'bin', 'podreasons.ts'), 'serve', '--listen', listen, ...args],
    { stdio: 'inherit' }
  );
}

function printHowToUse(source: string): void {
  const url = `http://${listen}`;
  process.stderr.write(`
Pod Reasons proxy for ${source}
  API      ${url}/api/v1/pods?abnormal=true
  status   ${url}/api/v1/status
  metrics  ${url}/metrics
Grafana: the plugin is built into dist/. Point Grafana's plugin directory at it (or mount it as
/var/lib/grafana/plugins/podreasons-kubernetes-datasource), allow the unsigned plugin with
GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=podreasons-kubernetes-datasource, then add the data source
"Kubernetes Pod Reasons" with Proxy URL ${url} (from Grafana's host). docker compose up does all of it.
`);
}

async function main(): Promise<void> {
  if (clusterConfigured()) {
    printHowToUse('the current kubeconfig context');
    const proxy = serve([]);
    proxy.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  process.stderr.write('No Kubernetes configuration found: starting a local API server with a demo.\n');
  const server = await startApiServer((line) => process.stderr.write(`${line}\n`));
  const controller = new AbortController();
  const demo = new Demo(server.kubeConfig('admin'), (line) => process.stderr.write(`${line}\n`)).play(
    controller.signal
  );
  const proxy = serve(['--kubeconfig', server.kubeconfigPath, '--context', 'cluster-reader']);
  printHowToUse(`a local demo cluster (kubectl --kubeconfig ${server.kubeconfigPath} get pods -A)`);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) {
      return;
    }
    stopping = true;
    controller.abort();
    proxy.kill('SIGTERM');
    await demo.catch(() => {});
    await server.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  proxy.on('exit', (code) => void stop(code ?? 1));
}

main().catch((err) => {
  process.stderr.write(`start: ${(err as Error).message}\n`);
  process.exit(1);
});
