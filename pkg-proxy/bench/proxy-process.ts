// The parent's handle on a proxy-child.ts process: start, ask, read /proc, stop. The child runs
// bundled the way the container image runs the proxy (scripts/bundle.ts), so that its memory is
// what users get.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundle } from '../scripts/bundle.ts';
import { processCpuSeconds, processRss } from './measure.ts';
import type { ChildMessage, ChildRequest } from './proxy-child.ts';

/** Bundles proxy-child.ts next to the proxy's own bundle; returns the file to start. */
export async function bundleProxyChild(): Promise<string> {
  const out = fileURLToPath(new URL('../dist/bench-proxy-child.mjs', import.meta.url));
  await bundle(fileURLToPath(new URL('./proxy-child.ts', import.meta.url)), out);
  return out;
}

type Reply<T extends ChildMessage['type']> = Extract<ChildMessage, { type: T }>;

export class ProxyProcess {
  readonly url: string;
  readonly startedAt: number;
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess, url: string, startedAt: number) {
    this.child = child;
    this.url = url;
    this.startedAt = startedAt;
  }

  /** Forks the (bundled) proxy child and resolves once it listens (it syncs in the background). */
  static async start(
    script: string,
    kubeconfig: string,
    context: string,
    execArgv: string[] = [],
    dataDir?: string
  ): Promise<ProxyProcess> {
    const startedAt = Date.now();
    const child = fork(script, [kubeconfig, context, ...(dataDir ? [dataDir] : [])], {
      execArgv: ['--expose-gc', ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const { url } = await nextMessage(child, 'listening', 60_000);
      return new ProxyProcess(child, url, startedAt);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  private ask<T extends ChildMessage['type']>(request: ChildRequest, reply: T): Promise<Reply<T>> {
    const answer = nextMessage(this.child, reply, 60_000);
    this.child.send(request);
    return answer;
  }

  /** Memory after a full GC. */
  memory(): Promise<Reply<'memory'>> {
    return this.ask({ type: 'memory' }, 'memory');
  }

  async mark(): Promise<void> {
    await this.ask({ type: 'mark' }, 'marked');
  }

  upserts(): Promise<Reply<'upserts'>> {
    return this.ask({ type: 'upserts' }, 'upserts');
  }

  /** Current and peak resident set size, bytes. */
  rss(): { rss: number; peak: number } {
    return processRss(this.pid);
  }

  /** CPU seconds used so far (user + system, all threads). */
  cpuSeconds(): number {
    return processCpuSeconds(this.pid);
  }

  /** Freezes the proxy (SIGSTOP): the API server keeps sending, and events queue up for it. */
  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  /** Asks the proxy to stop; kills it if it has not exited within 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    this.resume();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.connected) {
      child.send({ type: 'stop' } satisfies ChildRequest);
    } else {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function nextMessage<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number
): Promise<Reply<T>> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (msg: ChildMessage) => {
      if (msg.type !== type) {
        return;
      }
      done();
      resolve(msg as Reply<T>);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`the proxy exited (code ${code}) while waiting for "${type}"`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the proxy did not answer "${type}" within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
