// How `podreasons explain` prints its answers.
import type { PodAnswer } from '../engine/index.ts';

export const OUTPUT_FORMATS = ['table', 'wide', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const COLUMNS: Array<[string, (a: PodAnswer) => string]> = [
  ['NAMESPACE', (a) => a.namespace],
  ['NAME', (a) => a.name],
  ['REASON', (a) => a.reason],
  ['INITIATOR', (a) => a.initiator],
  ['DETAIL', (a) => a.detail],
  ['STATUS', (a) => a.kubectlStatus],
];

const WIDE_COLUMNS: Array<[string, (a: PodAnswer) => string]> = [
  ['WORKLOAD', (a) => `${a.workloadKind}/${a.workload}`],
  ['NODE', (a) => a.node],
  ['NODEPOOL', (a) => a.nodepool],
  ['SOURCE', (a) => a.source],
  ['MESSAGE', (a) => a.message.replace(/\s+/g, ' ').trim()],
];

/** Aligned columns three spaces apart, "<none>" for empty cells, as kubectl prints them. */
function table(answers: readonly PodAnswer[], wide: boolean): string {
  const columns = wide ? [...COLUMNS, ...WIDE_COLUMNS] : COLUMNS;
  const rows = [columns.map(([title]) => title), ...answers.map((a) => columns.map(([, get]) => get(a) || '<none>'))];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('   ')
          .trimEnd()
      )
      .join('\n') + '\n'
  );
}

export function format(answers: readonly PodAnswer[], output: OutputFormat): string {
  if (output === 'json') {
    return `${JSON.stringify(answers, null, 2)}\n`;
  }
  return table(answers, output === 'wide');
}
