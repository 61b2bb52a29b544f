// Builds and runs the real kube-apiserver + etcd of tests/apiserver/ for tests, benchmarks and the demo.
//
//   node tests/cluster/apiserver.ts      runs it in the foreground (npm run apiserver) and prints
//                                        exactly one line "READY kubeconfig=<path>" on stdout.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { goBuild } from './go-build.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const moduleDir = join(root, 'tests', 'apiserver');
const cacheDir = join(root, '.cache');
const K8S_VERSION = 'v1.37.2';

/** The harness binary for the current go.mod/go.sum and sources, built when missing. */
export async function ensureHarnessBinary(log: (line: string) => void = () => {}): Promise<string> {
  const hash = createHash('sha256');
  for (const file of readdirSync(moduleDir)
    .filter((f) => /\.(go|mod|sum)$/.test(f))
    .sort()) {
    hash.update(file).update(readFileSync(join(moduleDir, file)));
  }
  const binary = join(cacheDir, `apiserver-harness-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(binary)) {
    return binary;
  }
  mkdirSync(cacheDir, { recursive: true });
  const version = 'k8s.io/component-base/version';
  const ldflags = [
    '-s -w',
    `-X ${version}.gitVersion=${K8S_VERSION}`,
    `-X ${version}.gitMajor=1`,
    `-X ${version}.gitMinor=37`,
    `-X ${version}.gitTreeState=clean`,
  ].join(' ');
  log(`building kube-apiserver ${K8S_VERSION} and etcd from Go modules (a cold build takes several minutes)…`);
  await goBuild({
    what: `the API server harness (kube-apiserver ${K8S_VERSION} and etcd)`,
    cwd: moduleDir,
    args: ['build', '-ldflags', ldflags, '-o', binary, '.'],
    log,
  });
  return binary;
}

/** A running harness: etcd + kube-apiserver, and a kubeconfig with one context per identity. */
export class ApiServer {
  readonly kubeconfigPath: string;
  readonly dir: string;
  readonly binaryPath: string;
  private readonly process: ChildProcess | null;

  constructor(kubeconfigPath: string, binary: string, proc: ChildProcess | null) {
    this.kubeconfigPath = kubeconfigPath;
    this.dir = dirname(kubeconfigPath);
    this.binaryPath = binary;
    this.process = proc;
  }

  /** A KubeConfig for one identity: admin, cluster-reader, namespace-reader, list-only, nobody, scratch. */
  kubeConfig(context = 'admin'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.kubeconfigPath);
    kc.setCurrentContext(context);
    return kc;
  }

  /** Restarts kube-apiserver only; etcd keeps the data, so watchers must resume or relist. */
  async restart(): Promise<void> {
    const generation = await this.generation();
    process.kill(this.upPid(), 'SIGHUP');
    const deadline = Date.now() + 120_000;
    while ((await this.generation()) === generation) {
      if (Date.now() > deadline) {
        throw new Error('the API server did not come back within 120s');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Freezes kube-apiserver (SIGSTOP) until the returned function resumes it: its connections go silent. */
  pause(): () => void {
    const pid = Number(readFileSync(join(this.dir, 'apiserver.pid'), 'utf8'));
    process.kill(pid, 'SIGSTOP');
    return () => process.kill(pid, 'SIGCONT');
  }

  /** Compacts etcd at its current revision: watches from older resourceVersions get 410 Gone. */
  async compact(): Promise<void> {
    await promisify(execFile)(this.binaryPath, ['compact', '--dir', this.dir]);
  }

  onExit(listener: (code: number | null) => void): void {
    this.process?.once('exit', listener);
  }

  async stop(): Promise<void> {
    const proc = this.process;
    if (!proc || proc.exitCode !== null) {
      return;
    }
    proc.removeAllListeners('exit');
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }

  private upPid(): number {
    return Number(readFileSync(join(this.dir, 'up.pid'), 'utf8'));
  }

  private async generation(): Promise<string> {
    return readFile(join(this.dir, 'generation'), 'utf8');
  }
}

/** Starts a new harness and resolves once it is ready. */
export async function startApiServer(log: (line: string) => void = () => {}): Promise<ApiServer> {
  const binary = await ensureHarnessBinary(log);
  const proc = spawn(binary, ['up', '--stop-on-stdin-close'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const kubeconfigPath = await new Promise<string>((resolveReady, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /^READY kubeconfig=(.+)$/m.exec(buffered);
      if (match) {
        proc.stdout!.off('data', onData);
        resolveReady(match[1]);
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`the API server harness exited before it was ready (exit ${code})`)));
  });
  // Keep reading so that later READY lines (after restarts) never block the pipe.
  proc.stdout!.resume();
  return new ApiServer(kubeconfigPath, binary, proc);
}

/** The harness started by the test run's global setup (tests/cluster/global-setup.ts). */
export function sharedApiServer(): ApiServer {
  const kubeconfig = process.env.PODREASONS_TEST_KUBECONFIG;
  if (!kubeconfig) {
    throw new Error(
      'PODREASONS_TEST_KUBECONFIG is not set: run these tests with the global setup tests/cluster/global-setup.ts'
    );
  }
  return new ApiServer(kubeconfig, process.env.PODREASONS_TEST_HARNESS ?? '', null);
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let server: ApiServer;
  try {
    server = await startApiServer(log);
  } catch (err) {
    log(`apiserver: ${(err as Error).message}`);
    process.exit(1);
  }
  process.stdout.write(`READY kubeconfig=${server.kubeconfigPath}\n`);
  log(
    `kubectl --kubeconfig ${server.kubeconfigPath} get pods -A   # contexts: admin, cluster-reader, namespace-reader, list-only, nobody, scratch`
  );
  server.onExit((code) => {
    log(`apiserver: the harness stopped unexpectedly (exit ${code})`);
    process.exit(1);
  });
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // `npm run apiserver` killed with SIGTERM exits without passing it on through its shell: this
  // process is then orphaned, and stops the harness rather than leave it running.
  // process.ppid is read once at start-up: ask the kernel for the current parent (Linux), or
  // whether the first one still exists.
  const parent = process.ppid;
  const parentGone = () => {
    try {
      const stat = readFileSync('/proc/self/stat', 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== parent;
    } catch {
      try {
        process.kill(parent, 0);
        return false;
      } catch {
        return true;
      }
    }
  };
  setInterval(() => parentGone() && stop(), 1000).unref();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
