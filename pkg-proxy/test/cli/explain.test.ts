// `podreasons explain`, run as users run it: the bin in a child process of this Node.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PodAnswer } from '../../src/engine/index.ts';

const BIN = fileURLToPath(new URL('../../bin/podreasons.ts', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const CLUSTER = fixture('cluster-list.json');
const NOW = ['--now', '2026-11-28T08:00:10Z'];

/** `podreasons explain ARGS` with INPUT on stdin. */
function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'explain', ...args], { input: input ?? '', encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function answers(args: string[], input?: string): PodAnswer[] {
  const r = run([...args, '-o', 'json'], input);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  return JSON.parse(r.stdout) as PodAnswer[];
}

describe('explain -o json on kubectl get pods,nodes,events -A -o json', () => {
  const got = answers([...NOW, CLUSTER]);

  it('answers every pod, in input order, with the fields of §3', () => {
    const list = JSON.parse(readFileSync(CLUSTER, 'utf8')) as {
      items: Array<{ kind: string; metadata: { name: string } }>;
    };
    const pods = list.items.filter((i) => i.kind === 'Pod').map((i) => i.metadata.name);
    assert.deepEqual(
      got.map((a) => a.name),
      pods
    );
    for (const a of got) {
      assert.deepEqual(Object.keys(a), [
        'namespace',
        'name',
        'uid',
        'node',
        'phase',
        'reason',
        'category',
        'source',
        'initiator',
        'detail',
        'message',
        'abnormal',
        'since',
        'kubectlStatus',
        'signals',
        'workloadKind',
        'workload',
        'nodepool',
        'capacityType',
      ]);
    }
  });

  it('finds the reason, initiator and kubectl status of each', () => {
    assert.deepEqual(
      got.map(
        (a) => `${a.namespace}/${a.name} ${a.reason} ${a.initiator} [${a.detail}] ${a.kubectlStatus} ${a.abnormal}`
      ),
      [
        'shop/web-6b7d9-h1j2k Running unknown [] Running false',
        'shop/cart-5f6g7-a1s2d OOMKilled container [container app] CrashLoopBackOff true',
        'shop/api-5c9d8-c6v7b CrashLoopBackOff container [Error, exit code 1] CrashLoopBackOff true',
        'shop/web-6b7d9-n8m9b ImagePullBackOff container [container app] ImagePullBackOff true',
        'shop/report-7f9c4-9bq2d Evicted kubelet [memory] ContainerStatusUnknown true',
        'shop/checkout-7c8d9-k2l4m EvictionByEvictionAPI karpenter [Underutilized] Terminating true',
        'shop/search-6f7a8-q9w8e EvictionByEvictionAPI cluster-autoscaler [] Terminating true',
        'default/legacy-app-5d4c3-z1x2c EvictionByEvictionAPI drain [spec.unschedulable] Terminating true',
        'shop/big-7h8j9-k0l1z Unschedulable scheduler [] Pending true',
        'ml/queued-1-x2c3v SchedulingGated scheduler [] SchedulingGated true',
        'shop/web-6b7d9-4hj2k Shutdown kubelet [] Error true',
        'shop/web-6b7d9-r5t6y NodeUnreachable node-lifecycle [node.kubernetes.io/unreachable] Running true',
        'shop/web-6b7d9-t7u8i DeletionByTaintManager taint-manager [node.kubernetes.io/unreachable] Terminating true',
        'data/db-0 CrashLoopBackOff container [Error, exit code 3] Init:CrashLoopBackOff true',
        'batch/report-28347100-p9o8i Completed unknown [] Completed false',
        'shop/batch-2-lw9pz PreemptionByScheduler scheduler [] Terminating true',
        'shop/web-6b7d9-w4e5r NotReady container [ContainersNotReady] Running true',
        'shop/web-6b7d9-g3h4j Terminating karpenter [Forceful Termination] Terminating true',
      ]
    );
  });

  it('joins each pod with its own events only', () => {
    const checkout = got.find((a) => a.name === 'checkout-7c8d9-k2l4m')!;
    assert.deepEqual(checkout.signals[1], {
      reason: 'Evicted',
      source: 'event',
      message: 'Evicted pod: Underutilized',
    });
    const evicted = got.find((a) => a.name === 'report-7f9c4-9bq2d')!;
    assert.equal(evicted.since, '2026-11-28T07:59:30Z');
  });

  it('names the workload from the ownerReference, and the node pool from the node labels', () => {
    const placed = (name: string) => {
      const a = got.find((p) => p.name === name)!;
      return [a.workloadKind, a.workload, a.nodepool, a.capacityType];
    };
    assert.deepEqual(placed('checkout-7c8d9-k2l4m'), ['ReplicaSet', 'checkout-7c8d9', 'default', 'spot']);
    assert.deepEqual(placed('db-0'), ['StatefulSet', 'db', '', '']);
    assert.deepEqual(placed('web-6b7d9-h1j2k'), ['Pod', 'web-6b7d9-h1j2k', '', '']);
  });

  it('with the ReplicaSets and Jobs in the input, the Deployment and CronJob above them', () => {
    const list = JSON.parse(readFileSync(CLUSTER, 'utf8')) as { items: unknown[] };
    const owned = (kind: string, apiVersion: string, name: string, owner: string, namespace: string) => ({
      apiVersion,
      kind,
      metadata: {
        name,
        namespace,
        ownerReferences: [{ apiVersion, kind: owner.split('/')[0], name: owner.split('/')[1], controller: true }],
      },
    });
    list.items.push(
      owned('ReplicaSet', 'apps/v1', 'checkout-7c8d9', 'Deployment/checkout', 'shop'),
      owned('Job', 'batch/v1', 'report-28347100', 'CronJob/report', 'batch')
    );
    const byName = new Map(answers(NOW, JSON.stringify(list)).map((a) => [a.name, `${a.workloadKind}/${a.workload}`]));
    assert.equal(byName.get('checkout-7c8d9-k2l4m'), 'Deployment/checkout');
    assert.equal(byName.get('report-28347100-p9o8i'), 'CronJob/report');
  });

  it('without --now, time runs on: the old deletion is stuck', () => {
    const forced = answers([CLUSTER]).find((a) => a.name === 'web-6b7d9-g3h4j')!;
    assert.equal(forced.detail, 'stuck');
  });
});

describe('explain output', () => {
  it('table (the default): aligned kubectl-style columns', () => {
    const r = run([...NOW, CLUSTER]);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 19);
    assert.match(lines[0], /^NAMESPACE {3}NAME {3,}REASON {3,}INITIATOR {3,}DETAIL {3,}STATUS$/);
    const starts = (line: string) => [...line.matchAll(/(?:^| {3})(\S)/g)].map((m) => m.index! + m[0].length - 1);
    assert.deepEqual(starts(lines[6]), starts(lines[0]));
    assert.deepEqual(lines[6].split(/ {3,}/), [
      'shop',
      'checkout-7c8d9-k2l4m',
      'EvictionByEvictionAPI',
      'karpenter',
      'Underutilized',
      'Terminating',
    ]);
    assert.deepEqual(lines[1].split(/ {3,}/), ['shop', 'web-6b7d9-h1j2k', 'Running', 'unknown', '<none>', 'Running']);
  });

  it('wide: adds WORKLOAD, NODE, NODEPOOL, SOURCE and MESSAGE', () => {
    const r = run(['-o', 'wide', ...NOW, CLUSTER]);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /STATUS {3,}WORKLOAD {3,}NODE {3,}NODEPOOL {3,}SOURCE {3,}MESSAGE$/);
    assert.deepEqual(lines[6].split(/ {3,}/).slice(5), [
      'Terminating',
      'ReplicaSet/checkout-7c8d9',
      'node-b',
      'default',
      'condition:DisruptionTarget',
      'Eviction API: evicting',
    ]);
  });

  it('reads stdin with "-" and with no FILE', () => {
    const text = readFileSync(CLUSTER, 'utf8');
    assert.equal(answers([...NOW, '-'], text).length, 18);
    assert.equal(answers(NOW, text).length, 18);
  });

  it('reads multi-document YAML with Pods and a Node', () => {
    const got = answers([...NOW, fixture('pods.yaml')]);
    assert.deepEqual(
      got.map((a) => [a.name, a.reason, a.initiator, a.detail]),
      [
        ['report-7f9c4-9bq2d', 'Evicted', 'kubelet', 'memory'],
        ['checkout-7c8d9-k2l4m', 'EvictionByEvictionAPI', 'karpenter', 'karpenter.sh/disrupted'],
      ]
    );
  });

  it('reads a single pod as YAML on stdin, and a PodList whose items have no kind', () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata: {name: solo, namespace: default}\nstatus: {phase: Pending}\n';
    assert.deepEqual(
      answers([], yaml).map((a) => [a.name, a.reason]),
      [['solo', 'Pending']]
    );
    const list = JSON.stringify({
      kind: 'PodList',
      apiVersion: 'v1',
      items: [{ metadata: { name: 'a' }, status: { phase: 'Running' } }],
    });
    assert.deepEqual(
      answers([], list).map((a) => [a.name, a.reason]),
      [['a', 'Running']]
    );
  });
});

describe('explain with bad input: one line on stderr, exit 2', () => {
  const cases: Array<{ name: string; args: string[]; input?: string; message: RegExp }> = [
    {
      name: 'neither JSON nor YAML',
      args: [],
      input: 'kind: [Pod\n',
      message: /^podreasons: not valid JSON or YAML: /,
    },
    { name: 'broken JSON', args: [], input: '{"kind": "Pod",', message: /^podreasons: not valid JSON: / },
    { name: 'empty input', args: [], input: '  \n', message: /^podreasons: the input is empty$/ },
    {
      name: 'not an object',
      args: [],
      input: 'just some text',
      message: /^podreasons: expected a Pod, Node, Event, ReplicaSet or Job, or a list of them, found a string$/,
    },
    {
      name: 'no pods',
      args: [],
      input: '{"kind":"NodeList","apiVersion":"v1","items":[]}',
      message: /^podreasons: no pods in the input$/,
    },
    {
      name: 'an unknown kind',
      args: [],
      input: '{"kind":"Deployment","apiVersion":"apps/v1"}',
      message: /^podreasons: unsupported kind "Deployment"/,
    },
    {
      name: 'an unknown kind inside a List',
      args: [],
      input: '{"kind":"List","items":[{"kind":"Service"}]}',
      message: /unsupported kind "Service"/,
    },
    {
      name: 'an object without kind',
      args: [],
      input: '{"metadata":{"name":"x"}}',
      message: /^podreasons: an object has no kind/,
    },
    {
      name: 'a missing file',
      args: ['no-such-file.json'],
      message: /^podreasons: cannot read no-such-file\.json: no such file$/,
    },
    { name: 'a directory', args: [fixture('')], message: /: it is a directory$/ },
    {
      name: 'a bad -o',
      args: ['-o', 'xml', CLUSTER],
      message: /^podreasons: option '-o, --output <format>' argument 'xml' is invalid/,
    },
    { name: 'an unknown option', args: ['--colour', CLUSTER], message: /^podreasons: unknown option '--colour'/ },
    {
      name: 'a bad --now',
      args: ['--now', 'yesterday', CLUSTER],
      message: /^podreasons: --now: not an RFC 3339 time: yesterday$/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const res = run(c.args, c.input);
      assert.equal(res.code, 2);
      assert.equal(res.stdout, '');
      assert.equal(res.stderr.split('\n').length, 2, res.stderr); // one line and its newline
      assert.match(res.stderr.trimEnd(), c.message);
    });
  }
});

describe('help', () => {
  it('podreasons --help lists the commands, with an example', () => {
    const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /explain \[options\] \[FILE\]/);
    assert.match(r.stdout, /Example:\n {2}kubectl get pods,nodes,events -A -o json \| podreasons explain/);
  });

  it('podreasons explain --help documents input, output, options and examples', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0);
    for (const text of [
      '-o, --output <format>',
      '"table", "wide", "json"',
      '--now <time>',
      'Exit status',
      'Examples:',
      'NAMESPACE NAME REASON INITIATOR DETAIL STATUS',
    ]) {
      assert.ok(r.stdout.includes(text), text);
    }
  });
});
