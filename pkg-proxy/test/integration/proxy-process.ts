// `podreasons serve` as a child process, as it runs in a container: for the tests that kill it
// (SIGKILL), restart it, or run it as another user.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { TOKEN, eventually } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/podreasons.ts', import.meta.url));

export interface ProxyProcessOptions {
  args?: string[];
  /** The program: the sources' bin/podreasons.ts unless a bundle (scripts/bundle.ts) is given. */
  script?: string;
  /** Node's own options, before the script. */
  nodeOptions?: string[];
  kubeconfig?: string;
  /** HOST:PORT; default: a free loopback port. */
  listen?: string;
  /** Run as this user and group (the tests run as root on CI machines). */
  uid?: number;
  gid?: number;
}

export class ProxyProcess {
  /** Every stdout line, parsed (a line that is not JSON fails the test that reads `badLines`). */
  readonly logs: any[] = [];
  readonly badLines: string[] = [];
  stderr = '';
  url = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(opts: ProxyProcessOptions = {}) {
    const args = [
      ...(opts.nodeOptions ?? []),
      opts.script ?? BIN,
      'serve',
      `--kubeconfig=${opts.kubeconfig ?? sharedApiServer().kubeconfigPath}`,
      '--context=admin',
      `--listen=${opts.listen ?? '127.0.0.1:0'}`,
      // Short, so that evictions with no Event are recorded soon after the test makes them.
      '--attribution-delay=1s',
      ...(opts.args ?? []),
    ];
    this.child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, PODREASONS_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: opts.uid,
      gid: opts.gid,
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        this.logs.push(entry);
        if (entry.msg === 'listening') {
          this.url = entry.url;
        }
      } catch {
        this.badLines.push(line);
      }
    });
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves once it listens; rejects if it exits first. */
  async listening(timeoutMs = 60_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (!this.url) {
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the proxy did not start listening; stderr: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return this;
  }

  /** Resolves once it listens and its /readyz answers 200 (every pods watch synced). */
  async ready(timeoutMs = 60_000): Promise<this> {
    await this.listening(timeoutMs);
    await eventually(async () => ((await fetch(`${this.url}/readyz`)).ok ? true : undefined), timeoutMs, 'ready');
    return this;
  }

  async api(path: string): Promise<any> {
    const res = await fetch(this.url + path, { headers: { Authorization: `Bearer ${TOKEN}` } });
    if (!res.ok) {
      throw new Error(`${path}: ${res.status} ${await res.text()}`);
    }
    return path === '/metrics' ? res.text() : res.json();
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, as Kubernetes stops a container: the proxy writes what it holds and exits. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
    }
    return this.exited;
  }
}
