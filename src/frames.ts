import {
  createDataFrame,
  DataFrame,
  DataLink,
  FieldColorModeId,
  FieldConfig,
  FieldType,
  MappingType,
  ValueMapping,
} from '@grafana/data';
import { TableCellDisplayMode } from '@grafana/schema';

import {
  CATEGORIES,
  GroupBy,
  PodItem,
  SeriesResponse,
  SummaryResponse,
  TransitionItem,
} from '../pkg-proxy/src/contract';
import { categoryColor } from './categoryColors';
import { GROUP_LABELS } from './query';

const SUMMARY_LISTS = {
  reason: 'byReason',
  category: 'byCategory',
  namespace: 'byNamespace',
  initiator: 'byInitiator',
  workload: 'byWorkload',
  nodepool: 'byNodepool',
} as const satisfies Record<GroupBy, keyof SummaryResponse>;

/**
 * Opens the current dashboard filtered on the row's pod, keeping the time range. Grafana fills the
 * `${...}` data-link variables when the link is clicked.
 */
export const POD_LINK: DataLink = {
  title: 'Show ${__data.fields.namespace}/${__data.fields.pod} on this dashboard',
  url:
    '/d/${__dashboard.uid}?var-namespace=${__data.fields.namespace:percentencode}' +
    '&var-pod=${__data.fields.pod:percentencode}&${__url_time_range}',
};

/**
 * Opens the current dashboard filtered on the row's workload (its `workload` variable), keeping the
 * time range. The variable takes `namespace/Kind/name`, as /values/workloads lists it.
 */
export const WORKLOAD_LINK: DataLink = {
  title: 'Show ${__data.fields.workloadKind} ${__data.fields.namespace}/${__data.fields.workload} on this dashboard',
  url:
    '/d/${__dashboard.uid}?var-workload=${__data.fields.namespace:percentencode}%2F' +
    '${__data.fields.workloadKind:percentencode}%2F${__data.fields.workload:percentencode}&${__url_time_range}',
};

/** The same for a row of pod counts grouped by workload, whose value is already `namespace/Kind/name`. */
export const WORKLOAD_GROUP_LINK: DataLink = {
  title: 'Show ${__data.fields.value} on this dashboard',
  url: '/d/${__dashboard.uid}?var-workload=${__data.fields.value:percentencode}&${__url_time_range}',
};

/** Colour a cell by value: one mapping entry per value, each with its category's colour. */
function colorMappings(colors: Map<string, string>): ValueMapping[] {
  const options = Object.fromEntries([...colors].map(([value, color], index) => [value, { color, index }]));
  return [{ type: MappingType.ValueToText, options }];
}

const colorText = { cellOptions: { type: TableCellDisplayMode.ColorText } };

/** Reasons are an open vocabulary, so the mapping is built from the category each row reports. */
function reasonConfig(rows: Array<{ reason: string; category: string }>): FieldConfig {
  const colors = new Map(rows.map((row) => [row.reason, categoryColor(row.category)]));
  return { displayNameFromDS: 'Reason', mappings: colorMappings(colors), custom: colorText };
}

function categoryConfig(displayNameFromDS: string): FieldConfig {
  const colors = new Map(CATEGORIES.map((category) => [category as string, categoryColor(category)]));
  return { displayNameFromDS, mappings: colorMappings(colors), custom: colorText };
}

function toTime(value: string | null | undefined): number | null {
  const time = value ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? null : time;
}

function field(type: FieldType, name: string, displayNameFromDS: string, values: unknown[], config: FieldConfig = {}) {
  return { name, type, values, config: { displayNameFromDS, ...config } };
}
const text = (name: string, label: string, values: string[], config?: FieldConfig) =>
  field(FieldType.string, name, label, values, config);
const time = (name: string, label: string, values: Array<string | null | undefined>) =>
  field(FieldType.time, name, label, values.map(toTime));
const bool = (name: string, label: string, values: Array<boolean | undefined>) =>
  field(FieldType.boolean, name, label, values.map(Boolean));

/** Whose pod it was and where it ran: the columns pods and transitions share. */
function placeColumns(items: Array<Pick<PodItem, 'workloadKind' | 'workload' | 'node' | 'nodepool' | 'capacityType'>>) {
  const column = <K extends keyof (typeof items)[number]>(key: K) => items.map((item) => item[key]);
  return [
    text('workloadKind', 'Workload kind', column('workloadKind')),
    text('workload', 'Workload', column('workload'), { links: [WORKLOAD_LINK] }),
    text('node', 'Node', column('node')),
    text('nodepool', 'Node pool', column('nodepool')),
    text('capacityType', 'Capacity type', column('capacityType')),
  ];
}

/** One row per pod, like `kubectl get pods` with the reason engine's answer beside it. */
export function podsFrame(refId: string, items: PodItem[], total = items.length): DataFrame {
  const column = <K extends keyof PodItem>(key: K) => items.map((item) => item[key]);
  const notice = `Showing ${items.length} of ${total} pods: narrow the filters or raise the limit.`;
  return createDataFrame({
    refId,
    name: 'pods',
    meta: {
      preferredVisualisationType: 'table',
      notices: total > items.length ? [{ severity: 'info', text: notice }] : undefined,
    },
    fields: [
      text('namespace', 'Namespace', column('namespace')),
      text('pod', 'Pod', column('name'), { links: [POD_LINK] }),
      text('status', 'Status', column('kubectlStatus')),
      text('reason', 'Reason', column('reason'), reasonConfig(items)),
      text('category', 'Category', column('category'), categoryConfig('Category')),
      text('initiator', 'Initiator', column('initiator')),
      text('detail', 'Detail', column('detail')),
      time('since', 'Since', column('since')),
      ...placeColumns(items),
      text('message', 'Message', column('message')),
      text('phase', 'Phase', column('phase')),
      bool('abnormal', 'Abnormal', column('abnormal')),
      bool('deleted', 'Deleted', column('deleted')),
      time('deletedAt', 'Deleted at', column('deletedAt')),
      text('source', 'Source', column('source')),
      text(
        'signals',
        'Signals',
        items.map((item) => item.signals.map((signal) => `${signal.reason} (${signal.source})`).join('; '))
      ),
    ],
  });
}

/** One row per transition into an abnormal reason, newest first. */
export function transitionsFrame(refId: string, items: TransitionItem[]): DataFrame {
  const column = <K extends keyof TransitionItem>(key: K) => items.map((item) => item[key]);
  return createDataFrame({
    refId,
    name: 'transitions',
    meta: { preferredVisualisationType: 'table' },
    fields: [
      time('time', 'Time', column('time')),
      text('namespace', 'Namespace', column('namespace')),
      text('pod', 'Pod', column('pod'), { links: [POD_LINK] }),
      text('reason', 'Reason', column('reason'), reasonConfig(items)),
      text('category', 'Category', column('category'), categoryConfig('Category')),
      text('initiator', 'Initiator', column('initiator')),
      text('detail', 'Detail', column('detail')),
      ...placeColumns(items),
      text('message', 'Message', column('message')),
      text('source', 'Source', column('source')),
      bool('deleted', 'Deleted', column('deleted')),
      bool('recovered', 'Recovered', column('recovered')),
    ],
  });
}

/** Categories are coloured like the tables colour them; workloads link to the dashboard filtered on one. */
function groupConfig(groupBy: GroupBy, label: string): FieldConfig | undefined {
  switch (groupBy) {
    case 'category':
      return categoryConfig(label);
    case 'workload':
      return { links: [WORKLOAD_GROUP_LINK] };
    default:
      return undefined;
  }
}

/** Pod counts per group, for stat, bar chart, bar gauge and pie chart panels. */
export function countsFrame(refId: string, summary: SummaryResponse, groupBy: GroupBy): DataFrame {
  const counts = summary[SUMMARY_LISTS[groupBy]];
  const label = GROUP_LABELS[groupBy];
  const groups = counts.map((count) => count.value);
  const pods = counts.map((count) => count.count);
  return createDataFrame({
    refId,
    name: `pods by ${groupBy}`,
    fields: [text('value', label, groups, groupConfig(groupBy, label)), field(FieldType.number, 'count', 'Pods', pods)],
  });
}

/** Transition counts per step: one wide frame, a number field per group. */
export function seriesFrame(refId: string, response: SeriesResponse, groupBy: GroupBy): DataFrame {
  const color = (group: string): FieldConfig =>
    groupBy === 'category' ? { color: { mode: FieldColorModeId.Fixed, fixedColor: categoryColor(group) } } : {};
  return createDataFrame({
    refId,
    name: `transitions by ${groupBy}`,
    fields: [
      field(FieldType.time, 'time', 'Time', response.times, { interval: response.step }),
      ...response.series.map(({ group, values }) => ({
        ...field(FieldType.number, group, group, values, color(group)),
        labels: { [groupBy]: group },
      })),
    ],
  });
}
