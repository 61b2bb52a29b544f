// The parent's handle on a proxy-child.ts process: start, ask, read /proc, stop.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ChildMessage, ChildRequest } from './proxy-child.ts';

const CHILD = new URL('./proxy-child.ts', import.meta.url).pathname;
/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLK_TCK = 100;

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

  /** Forks the proxy and resolves once it listens (it syncs in the background). */
  static async start(
    kubeconfig: string,
    context: string,
    execArgv: string[] = [],
    dataDir?: string
  ): Promise<ProxyProcess> {
    const startedAt = Date.now();
    const child = fork(CHILD, [kubeconfig, context, ...(dataDir ? [dataDir] : [])], {
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
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  }

  /** CPU seconds used so far (user + system, all threads). */
  cpuSeconds(): number {
    // Fields after the command name "(…)": state is field 3, utime 14 and stime 15.
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
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
