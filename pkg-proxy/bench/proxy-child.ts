// One proxy under test, in a process of its own so that its RSS and heap are its own. Started by
// run.ts with `--expose-gc` and an IPC channel; argv: <kubeconfig> <context> [<data dir>].
//
// Messages: it sends {type: 'listening', url}; it answers {type: 'memory'} with the memory after a
// full GC, {type: 'mark'} by restarting the count of pod upserts, {type: 'upserts'} with that count,
// the times of the first and last one and the pod relists so far, and {type: 'stop'} by stopping
// and exiting.
import { pino } from 'pino';
import { serve } from '../src/serve.ts';

export type ChildRequest = { type: 'memory' } | { type: 'mark' } | { type: 'upserts' } | { type: 'stop' };
export type ChildMessage =
  | { type: 'listening'; url: string }
  | { type: 'memory'; heapUsed: number; rss: number; external: number; arrayBuffers: number }
  | { type: 'upserts'; count: number; firstAt: number; lastAt: number; relists: number }
  | { type: 'marked' };

const [kubeconfig, context, dataDir] = process.argv.slice(2);
const send = (msg: ChildMessage) => process.send!(msg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) {
  process.stderr.write('proxy-child: run by bench/run.ts (needs --expose-gc and an IPC channel)\n');
  process.exit(2);
}

const proxy = await serve(
  {
    kubeconfig,
    context,
    host: '127.0.0.1',
    port: 0,
    namespaces: null,
    ksmCompatibleMetrics: true,
    store: {},
    watchTimeoutSeconds: 300,
    // The catch-up pass freezes the proxy on purpose: a silent watch must not be restarted for it.
    watchSilenceMs: 30 * 60_000,
    notReadyAfterMs: 300_000,
    pollIntervalMs: 15_000,
    logLevel: 'warn',
    dataDir,
  },
  pino({ level: 'warn' }, pino.destination(2))
);

let count = 0;
let firstAt = 0;
let lastAt = 0;
proxy.store.on('upsert', () => {
  lastAt = Date.now();
  if (count++ === 0) {
    firstAt = lastAt;
  }
});

process.on('message', async (msg: ChildRequest) => {
  if (msg.type === 'memory') {
    gc();
    const m = process.memoryUsage();
    send({ type: 'memory', heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers });
  } else if (msg.type === 'mark') {
    count = firstAt = lastAt = 0;
    send({ type: 'marked' });
  } else if (msg.type === 'upserts') {
    const restarts = await proxy.metrics.watchRestarts.get();
    const relists = restarts.values
      .filter((v) => v.labels.resource === 'pods' && v.labels.cause === 'gone')
      .reduce((sum, v) => sum + v.value, 0);
    send({ type: 'upserts', count, firstAt, lastAt, relists });
  } else if (msg.type === 'stop') {
    await proxy.stop();
    process.exit(0);
  }
});
// The parent died without saying stop: do not linger.
process.on('disconnect', () => process.exit(0));

send({ type: 'listening', url: proxy.url });
