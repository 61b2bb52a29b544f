// node --test global setup: one real API server for the whole run, handed to test files by env,
// and kube-state-metrics built (or taken from the cache) before any test needs it.
import { startApiServer, type ApiServer } from './apiserver.ts';
import { ensureKsmBinary } from './ksm.ts';

let server: ApiServer | undefined;

export async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await ensureKsmBinary(log);
  server = await startApiServer(log);
  process.env.PODREASONS_TEST_KUBECONFIG = server.kubeconfigPath;
  process.env.PODREASONS_TEST_HARNESS = server.binaryPath;
}

export async function globalTeardown(): Promise<void> {
  await server?.stop();
}
