// node --test global setup: one real API server for the whole run, handed to test files by env.
import { startApiServer, type ApiServer } from './apiserver.ts';

let server: ApiServer | undefined;

export async function globalSetup(): Promise<void> {
  server = await startApiServer((line) => process.stderr.write(`${line}\n`));
  process.env.PODREASONS_TEST_KUBECONFIG = server.kubeconfigPath;
  process.env.PODREASONS_TEST_HARNESS = server.binaryPath;
}

export async function globalTeardown(): Promise<void> {
  await server?.stop();
}
