// Reading `podreasons explain` input: a Pod, a PodList, or the mixed List that
// `kubectl get pods,nodes,events,replicasets,jobs -o json` prints; JSON or YAML (several documents too); from a
// file or stdin.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { UsageError } from './errors.ts';

export interface ClusterObjects {
  pods: unknown[];
  nodes: unknown[];
  events: unknown[];
  /** They name the Deployments and CronJobs above the pods' own controllers. */
  replicaSets: unknown[];
  jobs: unknown[];
}

const KINDS = 'a Pod, Node, Event, ReplicaSet or Job, or a list of them';

/** The kind of the items of a typed list, which the API server leaves out of each item. */
const ITEM_KIND: Record<string, string | undefined> = {
  PodList: 'Pod',
  NodeList: 'Node',
  EventList: 'Event',
  ReplicaSetList: 'ReplicaSet',
  JobList: 'Job',
  List: undefined,
};

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return 'no such file';
  }
  if (code === 'EISDIR') {
    return 'it is a directory';
  }
  if (code === 'EACCES') {
    return 'permission denied';
  }
  return err instanceof Error ? err.message : String(err);
}

async function readStdin(): Promise<string> {
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk;
  }
  return text;
}

/** FILE, or stdin for "-" or no FILE. */
export async function readInput(file: string | undefined): Promise<string> {
  if (file === undefined || file === '-') {
    if (process.stdin.isTTY) {
      throw new UsageError('no input: give a FILE, or pipe JSON or YAML into stdin');
    }
    return readStdin();
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${why(err)}`);
  }
}

/** The first line of a parser's message, without the colon that introduces its code excerpt. */
const firstLine = (s: string) => s.split('\n', 1)[0].replace(/:\s*$/, '');

/** Every document of the input: one for JSON, one or more for YAML. */
export function parseDocuments(text: string): unknown[] {
  if (text.trim() === '') {
    throw new UsageError('the input is empty');
  }
  let jsonError: Error | undefined;
  if (/^\s*[[{]/.test(text)) {
    try {
      return [JSON.parse(text)];
    } catch (err) {
      jsonError = err as Error; // YAML flow style also starts with "{": let YAML try
    }
  }
  const docs = parseAllDocuments(text);
  const bad = (Array.isArray(docs) ? docs : []).find((d) => d.errors.length > 0);
  if (bad) {
    throw new UsageError(
      jsonError
        ? `not valid JSON: ${firstLine(jsonError.message)}`
        : `not valid JSON or YAML: ${firstLine(bad.errors[0].message)}`
    );
  }
  return Array.isArray(docs) ? docs.map((d) => d.toJS()) : [];
}

/** Sorts the objects of the documents by kind, in input order. */
export function collectObjects(documents: readonly unknown[]): ClusterObjects {
  const out: ClusterObjects = { pods: [], nodes: [], events: [], replicaSets: [], jobs: [] };
  const add = (value: unknown, impliedKind: string | undefined): void => {
    if (value === null || value === undefined) {
      return;
    } // an empty YAML document
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new UsageError(`expected ${KINDS}, found ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
    }
    const o = value as { kind?: unknown; items?: unknown };
    const kind = typeof o.kind === 'string' && o.kind !== '' ? o.kind : impliedKind;
    if (kind === 'Pod') {
      out.pods.push(o);
    } else if (kind === 'Node') {
      out.nodes.push(o);
    } else if (kind === 'Event') {
      out.events.push(o);
    } else if (kind === 'ReplicaSet') {
      out.replicaSets.push(o);
    } else if (kind === 'Job') {
      out.jobs.push(o);
    } else if (kind !== undefined && kind in ITEM_KIND) {
      if (!Array.isArray(o.items)) {
        throw new UsageError(`the ${kind} has no items`);
      }
      for (const item of o.items) {
        add(item, ITEM_KIND[kind]);
      }
    } else if (kind === undefined) {
      throw new UsageError(`an object has no kind: expected ${KINDS}`);
    } else {
      throw new UsageError(`unsupported kind ${JSON.stringify(kind)}: expected ${KINDS}`);
    }
  };
  for (const doc of documents) {
    add(doc, undefined);
  }
  return out;
}
