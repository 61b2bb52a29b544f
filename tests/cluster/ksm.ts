// kube-state-metrics, the real one: built from its Go module (cached under .cache/) and run on
// loopback against the harness' API server, for the KSM compatibility test and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ensureGoModuleBinary, type GoModuleCommand } from './go-module.ts';

export const KSM_VERSION = 'v2.20.0';

const KSM: GoModuleCommand = {
  name: 'kube-state-metrics',
  module: 'k8s.io/kube-state-metrics/v2',
  version: KSM_VERSION,
  pkg: '.',
  // As its Makefile sets the version (github.com/prometheus/common/version).
  ldflags: `-s -w -X github.com/prometheus/common/version.Version=${KSM_VERSION}`,
};

export function ensureKsmBinary(log: (line: string) => void = () => {}): Promise<string> {
  return ensureGoModuleBinary(KSM, log);
}

/** A free loopback port (bound, then released for the child to take). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface KsmOptions {
  /** --resources, e.g. "pods". */
  resources: string;
  /** Further flags, e.g. --namespaces=a,b. */
  args?: string[];
  log?: (line: string) => void;
}

export class KubeStateMetrics {
  /** Base URL of the metrics port (…/metrics) and of the telemetry port (KSM's own metrics). */
  readonly url: string;
  readonly telemetryUrl: string;
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess, url: string, telemetryUrl: string) {
    this.child = child;
    this.url = url;
    this.telemetryUrl = telemetryUrl;
  }

  /** Starts KSM with the kubeconfig's current context; resolves once it answers /healthz. */
  static async start(kubeconfig: string, opts: KsmOptions): Promise<KubeStateMetrics> {
    const binary = await ensureKsmBinary(opts.log);
    const [port, telemetryPort] = [await freePort(), await freePort()];
    const child = spawn(
      binary,
      [
        `--kubeconfig=${kubeconfig}`,
        `--resources=${opts.resources}`,
        '--host=127.0.0.1',
        `--port=${port}`,
        '--telemetry-host=127.0.0.1',
        `--telemetry-port=${telemetryPort}`,
        ...(opts.args ?? []),
      ],
      // Its klog lines go to stderr; kept for a failing run, otherwise quiet.
      { stdio: ['ignore', 'ignore', 'pipe'] }
    );
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const ksm = new KubeStateMetrics(child, `http://127.0.0.1:${port}`, `http://127.0.0.1:${telemetryPort}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`kube-state-metrics exited (code ${child.exitCode}): ${stderr.trim().split('\n').pop()}`);
      }
      if (
        await fetch(`${ksm.url}/healthz`).then(
          (r) => r.ok,
          () => false
        )
      ) {
        return ksm;
      }
      if (Date.now() > deadline) {
        await ksm.stop();
        throw new Error(`kube-state-metrics did not answer /healthz within 60 s: ${stderr.trim().split('\n').pop()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  async metrics(): Promise<string> {
    const res = await fetch(`${this.url}/metrics`);
    if (!res.ok) {
      throw new Error(`kube-state-metrics /metrics: HTTP ${res.status}`);
    }
    return res.text();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
