// `podreasons explain`: the reason engine over objects saved from a cluster.
import { Option, type Command } from 'commander';
import {
  explainPod,
  toEventInput,
  toNodeInput,
  toPodInput,
  type EventInput,
  type NodeInput,
  type PodAnswer,
} from '../engine/index.ts';
import { OwnerIndex, ownerEntry } from '../store/owners.ts';
import { UsageError } from './errors.ts';
import { collectObjects, parseDocuments, readInput, type ClusterObjects } from './input.ts';
import { format, OUTPUT_FORMATS, type OutputFormat } from './output.ts';

interface ExplainOptions {
  output: OutputFormat;
  now?: string;
}

const HELP_AFTER = `
Input: a Pod, a PodList, or a List mixing Pods, Nodes, Events, ReplicaSets and Jobs, as
JSON or YAML (several YAML documents too). Nodes in the input let the node rules apply (a
pod whose node is not among them is NodeGone); Nodes and Events name who evicted or deleted
a pod. A pod's workload is its controller (ownerReference), or the Deployment or CronJob
above it when its ReplicaSet or Job is in the input; Nodes give its node pool.

Output:
  table  NAMESPACE NAME REASON INITIATOR DETAIL STATUS (STATUS is what kubectl prints)
  wide   the table plus WORKLOAD, NODE, NODEPOOL, SOURCE and MESSAGE
  json   an array with one answer per pod, in input order (docs/pod-reasons.md §3)

Exit status: 0 on success; 2 when the input or an option is not usable (one line on stderr).

Examples:
  kubectl get pods,nodes,events -A -o json | podreasons explain
  kubectl get pods,replicasets,jobs -n shop -o json | podreasons explain -o wide
  podreasons explain -o wide cluster.json
  kubectl get pod web-0 -n shop -o yaml | podreasons explain -o json -
  podreasons explain --now 2026-11-28T08:00:00Z snapshot.yaml
`;

function parseNow(value: string | undefined): Date | undefined {
  if (value === undefined) {
    return undefined;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new UsageError(`--now: not an RFC 3339 time: ${value}`);
  }
  return new Date(ms);
}

/** Events about each pod: by uid when the event names one, else by namespace and name. */
function eventsByPod(events: readonly EventInput[]): (uid: string, namespace: string, name: string) => EventInput[] {
  const byUid = new Map<string, EventInput[]>();
  const byName = new Map<string, EventInput[]>();
  for (const e of events) {
    if (e.kind !== 'Pod') {
      continue;
    }
    const [map, key] = e.uid !== '' ? [byUid, e.uid] : [byName, `${e.namespace}/${e.name}`];
    const list = map.get(key);
    if (list) {
      list.push(e);
    } else {
      map.set(key, [e]);
    }
  }
  return (uid, namespace, name) => [...(byUid.get(uid) ?? []), ...(byName.get(`${namespace}/${name}`) ?? [])];
}

function explainObjects(objects: ClusterObjects, now?: Date): PodAnswer[] {
  const nodes: Map<string, NodeInput> | null =
    objects.nodes.length > 0 ? new Map(objects.nodes.map((n) => toNodeInput(n)).map((n) => [n.name, n])) : null;
  const eventsOf = eventsByPod(objects.events.map(toEventInput));
  const owners = new OwnerIndex();
  owners.replace('ReplicaSet', objects.replicaSets.map(ownerEntry), null);
  owners.replace('Job', objects.jobs.map(ownerEntry), null);
  return objects.pods.map((p) => {
    const pod = toPodInput(p);
    return explainPod(pod, { nodes, events: eventsOf(pod.uid, pod.namespace, pod.name), owners: owners.lookup, now });
  });
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('explain why each pod in FILE (or stdin) is not OK')
    .argument('[FILE]', 'JSON or YAML file to read; "-" or none: stdin')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option(
      '--now <time>',
      'judge "stuck" deletions and recent events at this RFC 3339 time instead of now (for saved snapshots)'
    )
    .addHelpText('after', HELP_AFTER)
    .action(async (file: string | undefined, opts: ExplainOptions) => {
      const now = parseNow(opts.now);
      const objects = collectObjects(parseDocuments(await readInput(file)));
      if (objects.pods.length === 0) {
        throw new UsageError('no pods in the input');
      }
      process.stdout.write(format(explainObjects(objects, now), opts.output));
    });
}
