import { FieldColorModeId, FieldType, MappingType } from '@grafana/data';

import {
  countsFrame,
  podsFrame,
  POD_LINK,
  seriesFrame,
  transitionsFrame,
  WORKLOAD_GROUP_LINK,
  WORKLOAD_LINK,
} from './frames';
import overview from '../provisioning/dashboards/podreasons-overview.json';
import { pod, summary, transition } from './testing/samples';

const field = (frame: ReturnType<typeof podsFrame>, name: string) => frame.fields.find((f) => f.name === name)!;

describe('podsFrame', () => {
  const items = [
    pod(),
    pod({
      name: 'db-0',
      uid: 'u2',
      reason: 'OOMKilled',
      category: 'container',
      since: null,
      deleted: true,
      deletedAt: '2026-11-28T08:05:00Z',
    }),
  ];
  const frame = podsFrame('A', items, 2);

  it('types every field and names it for people', () => {
    expect(frame.refId).toBe('A');
    expect(frame.length).toBe(2);
    expect(frame.fields.map((f) => [f.name, f.type, f.config.displayNameFromDS])).toEqual([
      ['namespace', FieldType.string, 'Namespace'],
      ['pod', FieldType.string, 'Pod'],
      ['status', FieldType.string, 'Status'],
      ['reason', FieldType.string, 'Reason'],
      ['category', FieldType.string, 'Category'],
      ['initiator', FieldType.string, 'Initiator'],
      ['detail', FieldType.string, 'Detail'],
      ['since', FieldType.time, 'Since'],
      ['workloadKind', FieldType.string, 'Workload kind'],
      ['workload', FieldType.string, 'Workload'],
      ['node', FieldType.string, 'Node'],
      ['nodepool', FieldType.string, 'Node pool'],
      ['capacityType', FieldType.string, 'Capacity type'],
      ['message', FieldType.string, 'Message'],
      ['phase', FieldType.string, 'Phase'],
      ['abnormal', FieldType.boolean, 'Abnormal'],
      ['deleted', FieldType.boolean, 'Deleted'],
      ['deletedAt', FieldType.time, 'Deleted at'],
      ['source', FieldType.string, 'Source'],
      ['signals', FieldType.string, 'Signals'],
    ]);
  });

  it('converts times, tombstones and signals', () => {
    expect(field(frame, 'since').values).toEqual([Date.parse('2026-11-28T08:00:00Z'), null]);
    expect(field(frame, 'deleted').values).toEqual([false, true]);
    expect(field(frame, 'deletedAt').values).toEqual([null, Date.parse('2026-11-28T08:05:00Z')]);
    expect(field(frame, 'status').values).toEqual(['Error', 'Error']);
    expect(field(frame, 'signals').values[0]).toBe('Evicted (status.reason); Error (container.terminated)');
  });

  it('colours each reason by its category and the category column by the vocabulary', () => {
    const reason = field(frame, 'reason').config;
    expect(reason.custom).toEqual({ cellOptions: { type: 'color-text' } });
    expect(reason.mappings).toEqual([
      {
        type: MappingType.ValueToText,
        options: { Evicted: { color: 'orange', index: 0 }, OOMKilled: { color: 'red', index: 1 } },
      },
    ]);
    const categories = field(frame, 'category').config.mappings![0].options as Record<string, { color: string }>;
    expect(categories.eviction.color).toBe('orange');
    expect(categories.healthy.color).toBe('green');
  });

  it('links a pod to this dashboard filtered on it, keeping the time range', () => {
    expect(field(frame, 'pod').config.links).toEqual([POD_LINK]);
    expect(POD_LINK.url).toBe(
      '/d/${__dashboard.uid}?var-namespace=${__data.fields.namespace:percentencode}&var-pod=${__data.fields.pod:percentencode}&${__url_time_range}'
    );
  });

  it('says whose pod it was and where it ran', () => {
    const bare = podsFrame('A', [pod({ workloadKind: 'Pod', workload: 'debug', nodepool: '', capacityType: '' })]);
    expect(['workloadKind', 'workload', 'nodepool', 'capacityType'].map((name) => field(bare, name).values)).toEqual([
      ['Pod'],
      ['debug'],
      [''],
      [''],
    ]);
    expect(field(frame, 'workload').values).toEqual(['web', 'web']);
  });

  it('links a workload to this dashboard filtered on it by namespace/Kind/name, keeping the time range', () => {
    expect(field(frame, 'workload').config.links).toEqual([WORKLOAD_LINK]);
    expect(WORKLOAD_LINK.url).toBe(
      '/d/${__dashboard.uid}?var-workload=${__data.fields.namespace:percentencode}%2F${__data.fields.workloadKind:percentencode}%2F${__data.fields.workload:percentencode}&${__url_time_range}'
    );
  });

  it('prefers a table, and says when the limit cut rows off', () => {
    expect(frame.meta?.preferredVisualisationType).toBe('table');
    expect(frame.meta?.notices).toBeUndefined();
    expect(podsFrame('A', items, 40).meta?.notices).toEqual([
      { severity: 'info', text: 'Showing 2 of 40 pods: narrow the filters or raise the limit.' },
    ]);
  });
});

describe('transitionsFrame', () => {
  it('has a time column first and the transition fields', () => {
    const frame = transitionsFrame('B', [
      transition(),
      transition({ time: '2026-11-28T07:00:00Z', deleted: true, recovered: true }),
    ]);
    expect(frame.fields.map((f) => f.name)).toEqual([
      'time',
      'namespace',
      'pod',
      'reason',
      'category',
      'initiator',
      'detail',
      'workloadKind',
      'workload',
      'node',
      'nodepool',
      'capacityType',
      'message',
      'source',
      'deleted',
      'recovered',
    ]);
    expect(frame.fields[0].type).toBe(FieldType.time);
    expect(frame.fields[0].values).toEqual([Date.parse('2026-11-28T08:00:00Z'), Date.parse('2026-11-28T07:00:00Z')]);
    expect(field(frame, 'pod').config.links).toEqual([POD_LINK]);
    expect(field(frame, 'workload').config.links).toEqual([WORKLOAD_LINK]);
    expect(field(frame, 'nodepool').values).toEqual(['default', 'default']);
    expect(field(frame, 'capacityType').values).toEqual(['spot', 'spot']);
    expect(field(frame, 'deleted').values).toEqual([false, true]);
    expect(field(frame, 'recovered').values).toEqual([false, true]);
  });
});

describe('countsFrame', () => {
  it.each([
    ['reason', 'Reason', ['OOMKilled', 'Evicted', 'CrashLoopBackOff'], [3, 2, 2]],
    ['category', 'Category', ['container', 'eviction'], [5, 2]],
    ['namespace', 'Namespace', ['shop', 'default'], [5, 2]],
    ['initiator', 'Initiator', ['container', 'kubelet'], [5, 2]],
    ['workload', 'Workload', ['shop/Deployment/web', 'shop/StatefulSet/db'], [4, 1]],
    ['nodepool', 'Node pool', ['default', 'gpu'], [4, 1]],
  ] as const)('counts pods by %s', (groupBy, label, values, counts) => {
    const frame = countsFrame('C', summary(), groupBy);
    expect(frame.fields.map((f) => [f.name, f.type, f.config.displayNameFromDS])).toEqual([
      ['value', FieldType.string, label],
      ['count', FieldType.number, 'Pods'],
    ]);
    expect(frame.fields[0].values).toEqual(values);
    expect(frame.fields[1].values).toEqual(counts);
    expect(Boolean(frame.fields[0].config.mappings)).toBe(groupBy === 'category');
  });

  it('links a workload group to this dashboard filtered on it', () => {
    expect(countsFrame('C', summary(), 'workload').fields[0].config.links).toEqual([WORKLOAD_GROUP_LINK]);
    expect(WORKLOAD_GROUP_LINK.url).toBe(
      '/d/${__dashboard.uid}?var-workload=${__data.fields.value:percentencode}&${__url_time_range}'
    );
    expect(countsFrame('C', summary(), 'nodepool').fields[0].config.links).toBeUndefined();
  });
});

describe('seriesFrame', () => {
  const response = {
    step: 60000,
    times: [0, 60000],
    series: [
      { group: 'eviction', values: [0, 2] },
      { group: 'container', values: [1, 0] },
    ],
  };

  it('is one wide frame: the step as interval, a labelled number field per group', () => {
    const frame = seriesFrame('D', response, 'reason');
    expect(frame.fields[0]).toMatchObject({
      name: 'time',
      type: FieldType.time,
      values: [0, 60000],
      config: { displayNameFromDS: 'Time', interval: 60000 },
    });
    expect(frame.fields.slice(1).map((f) => [f.name, f.type, f.labels, f.values])).toEqual([
      ['eviction', FieldType.number, { reason: 'eviction' }, [0, 2]],
      ['container', FieldType.number, { reason: 'container' }, [1, 0]],
    ]);
    expect(frame.fields[1].config.color).toBeUndefined();
  });

  it('colours category series like the tables do', () => {
    expect(seriesFrame('D', response, 'category').fields[1].config.color).toEqual({
      mode: FieldColorModeId.Fixed,
      fixedColor: 'orange',
    });
  });
});

describe('the overview dashboard', () => {
  // A link reads the row's fields after the panel's transformations: a field they drop is empty.
  const read = (link: { title: string; url: string }) =>
    [...`${link.title} ${link.url}`.matchAll(/__data\.fields\.(\w+)/g)].map((match) => match[1]);

  it.each(['pods', 'transitions'])('keeps the fields the links of its %s table read', (queryType) => {
    const panel = overview.panels.find((p) => p.targets.some((t) => 'queryType' in t && t.queryType === queryType))!;
    const organize = panel.transformations!.find((t) => t.id === 'organize')!;
    const dropped = Object.keys((organize.options as { excludeByName: object }).excludeByName);
    expect([POD_LINK, WORKLOAD_LINK].flatMap(read).filter((name) => dropped.includes(name))).toEqual([]);
  });
});
