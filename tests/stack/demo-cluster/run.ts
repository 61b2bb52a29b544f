// The demo-cluster service of docker-compose.yaml: a real API server (the test harness) with the
// continuous demo playing on it. The kubeconfig is published on a shared volume for the proxy,
// which runs in this container's network namespace because the API server listens on loopback only.
//
//   node tests/stack/demo-cluster/run.ts --publish /shared/kubeconfig
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startApiServer } from '../../cluster/apiserver.ts';
import { Demo } from '../../cluster/demo.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

let publish: string;
try {
  const { values } = parseArgs({ options: { publish: { type: 'string' } } });
  if (!values.publish) {
    throw new Error('--publish <path> is required');
  }
  publish = values.publish;
} catch (err) {
  log(`demo-cluster: ${(err as Error).message}`);
  process.exit(2);
}

// A kubeconfig left by an earlier run names a server that is gone: never let the proxy read it.
rmSync(publish, { force: true });
const server = await startApiServer(log).catch((err: Error) => {
  log(`demo-cluster: ${err.message}`);
  process.exit(1);
});
// Written beside the target and renamed, so the proxy never reads half a file.
const staged = join(dirname(publish), `.kubeconfig-${process.pid}`);
copyFileSync(server.kubeconfigPath, staged);
renameSync(staged, publish);
log(`demo-cluster: API server ready, kubeconfig published at ${publish}`);

const controller = new AbortController();
const demo = new Demo(server.kubeConfig('admin'), log).play(controller.signal);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) {
    return;
  }
  stopping = true;
  controller.abort();
  await demo.catch(() => {});
  rmSync(publish, { force: true });
  await server.stop();
  process.exit(code);
}

demo.catch((err: Error) => {
  log(`demo-cluster: the demo stopped: ${err.message}`);
  void stop(1);
});
server.onExit((code) => {
  log(`demo-cluster: the API server stopped unexpectedly (exit ${code})`);
  void stop(1);
});
process.once('SIGTERM', () => void stop(0));
process.once('SIGINT', () => void stop(0));
