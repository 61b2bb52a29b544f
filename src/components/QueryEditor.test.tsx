import React from 'react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataSourceInstanceSettings } from '@grafana/data';
import { setBackendSrv, setTemplateSrv } from '@grafana/runtime';

import { DataSource } from '../datasource';
import { fakeBackendSrv, ok } from '../testing/fakes';
import { fakeTemplateSrv } from '../testing/templateSrv';
import { PodReasonsOptions, PodReasonsQuery } from '../types';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';
import { QueryEditor } from './QueryEditor';

let requests: URL[];
const values: Record<string, string[]> = {
  namespaces: ['default', 'shop'],
  reasons: ['Evicted', 'OOMKilled'],
  nodes: ['node-a'],
  pods: ['web-1', 'web-2'],
  workloads: ['shop/Deployment/web', 'shop/StatefulSet/db'],
  nodepools: ['default', 'gpu'],
};

const datasource = () =>
  new DataSource({
    uid: 'podreasons',
    url: '/api/datasources/proxy/uid/podreasons',
    jsonData: {},
    meta: {},
  } as unknown as DataSourceInstanceSettings<PodReasonsOptions>);

beforeAll(() => {
  // Combobox menus are virtual lists sized from the DOM, which jsdom lays out as 0 × 0.
  Object.defineProperty(Element.prototype, 'getBoundingClientRect', {
    value: () => ({ width: 300, height: 300, top: 0, left: 0, bottom: 0, right: 0 }),
  });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 300 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 300 });
});

beforeEach(() => {
  const backend = fakeBackendSrv((url) => ok({ values: values[url.pathname.split('/').at(-1)!] }));
  requests = backend.requests;
  setBackendSrv(backend.srv);
  setTemplateSrv(fakeTemplateSrv({ namespace: ['shop'], pod: 'web-1' }));
});

function setup(query: PodReasonsQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(<QueryEditor query={query} datasource={datasource()} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery, last: (): PodReasonsQuery => onChange.mock.calls.at(-1)[0] };
}

/** Each filter by its label, and the kind of control it is. */
const FILTERS: Array<[string, string]> = [
  ['Namespaces', 'combobox'],
  ['Pods', 'combobox'],
  ['Reasons', 'combobox'],
  ['Categories', 'combobox'],
  ['Initiators', 'combobox'],
  ['Nodes', 'combobox'],
  ['Workloads', 'combobox'],
  ['Node pools', 'combobox'],
  ['Labels', 'textbox'],
  ['Abnormal only', 'switch'],
  ['Include deleted', 'switch'],
  ['Limit', 'spinbutton'],
  ['Live', 'switch'],
  ['Group by', 'radiogroup'],
];

describe('QueryEditor', () => {
  it.each([
    [
      'pods',
      [
        'Namespaces',
        'Pods',
        'Reasons',
        'Categories',
        'Initiators',
        'Nodes',
        'Workloads',
        'Node pools',
        'Labels',
        'Abnormal only',
        'Include deleted',
        'Limit',
        'Live',
      ],
    ],
    [
      'counts',
      [
        'Namespaces',
        'Reasons',
        'Categories',
        'Initiators',
        'Nodes',
        'Workloads',
        'Node pools',
        'Labels',
        'Abnormal only',
        'Include deleted',
        'Group by',
      ],
    ],
    [
      'transitions',
      [
        'Namespaces',
        'Pods',
        'Reasons',
        'Categories',
        'Initiators',
        'Nodes',
        'Workloads',
        'Node pools',
        'Limit',
        'Live',
      ],
    ],
    [
      'timeseries',
      ['Namespaces', 'Pods', 'Reasons', 'Categories', 'Initiators', 'Nodes', 'Workloads', 'Node pools', 'Group by'],
    ],
  ] as const)('shows the filters of %s', (queryType, expected) => {
    setup({ refId: 'A', queryType });
    const shown = FILTERS.filter(([name, role]) => screen.queryByRole(role, { name })).map(([name]) => name);
    expect(shown).toEqual(expected);
  });

  it('switches the query type and runs the query', async () => {
    const { last, onRunQuery } = setup({ refId: 'A', queryType: 'pods', namespaces: ['shop'] });
    await userEvent.click(screen.getByRole('radio', { name: 'Time series' }));
    expect(last()).toEqual({ refId: 'A', queryType: 'timeseries', namespaces: ['shop'] });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('picks namespaces loaded from the proxy, and offers dashboard variables', async () => {
    const { last } = setup({ refId: 'A', queryType: 'pods' });
    await userEvent.click(screen.getByLabelText('Namespaces'));
    const options = await within(await screen.findByRole('listbox')).findAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual(
      expect.arrayContaining(['default', 'shop', '$namespace', '$pod'])
    );
    await userEvent.click(options.find((option) => option.textContent === 'shop')!);
    expect(last().namespaces).toEqual(['shop']);
    expect(requests.map((url) => url.pathname.split('/').at(-1))).toContain('namespaces');
  });

  it('accepts a value the proxy has not seen', async () => {
    const { last } = setup({ refId: 'A', queryType: 'transitions' });
    await userEvent.type(screen.getByLabelText('Reasons'), 'NodeShutdown');
    await userEvent.click(await screen.findByText('NodeShutdown'));
    expect(last().reasons).toEqual(['NodeShutdown']);
  });

  it('offers the pods of the chosen namespaces, variables resolved', async () => {
    setup({ refId: 'A', queryType: 'pods', namespaces: ['$namespace'] });
    await userEvent.click(screen.getByRole('combobox', { name: 'Pods' }));
    await within(await screen.findByRole('listbox')).findAllByRole('option');
    expect(requests.at(-1)!.search).toBe('?namespace=shop');
  });

  it('offers the category vocabulary without asking the proxy', async () => {
    setup({ refId: 'A', queryType: 'counts' });
    await userEvent.click(screen.getByLabelText('Categories'));
    const listbox = await screen.findByRole('listbox');
    expect(await within(listbox).findByText('preemption')).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });

  it('commits the label selector and limit when leaving the field', async () => {
    const { last, onRunQuery } = setup({ refId: 'A', queryType: 'pods' });
    await userEvent.type(screen.getByLabelText('Labels'), 'app=web');
    expect(onRunQuery).not.toHaveBeenCalled();
    await userEvent.tab();
    expect(last().labelSelector).toBe('app=web');
    await userEvent.type(screen.getByLabelText('Limit'), '50');
    await userEvent.tab();
    expect(last().limit).toBe(50);
  });

  it('toggles the switches', async () => {
    const { last } = setup({ refId: 'A', queryType: 'pods', abnormalOnly: true });
    await userEvent.click(screen.getByLabelText('Abnormal only'));
    expect(last().abnormalOnly).toBe(false);
    await userEvent.click(screen.getByLabelText('Live'));
    expect(last().live).toBe(true);
  });

  it('groups counts', async () => {
    const { last } = setup({ refId: 'A', queryType: 'counts' });
    await userEvent.click(screen.getByRole('radio', { name: 'Initiator' }));
    expect(last().groupBy).toBe('initiator');
  });

  it.each([
    ['counts', 'Workload', 'workload'],
    ['timeseries', 'Node pool', 'nodepool'],
  ] as const)('groups %s by %s', async (queryType, label, groupBy) => {
    const { last } = setup({ refId: 'A', queryType });
    await userEvent.click(screen.getByRole('radio', { name: label }));
    expect(last().groupBy).toBe(groupBy);
  });

  it('picks workloads listed by the proxy, or one typed as Kind/name for any namespace', async () => {
    const { last } = setup({ refId: 'A', queryType: 'transitions' });
    await userEvent.click(screen.getByLabelText('Workloads'));
    const options = await within(await screen.findByRole('listbox')).findAllByRole('option');
    await userEvent.click(options.find((option) => option.textContent === 'shop/StatefulSet/db')!);
    expect(last().workloads).toEqual(['shop/StatefulSet/db']);
    expect(requests.map((url) => url.pathname.split('/').at(-1))).toContain('workloads');
    await userEvent.type(screen.getByLabelText('Workloads'), 'Deployment/api');
    await userEvent.click(await screen.findByText('Deployment/api'));
    expect(last().workloads).toEqual(['Deployment/api']);
  });

  it('picks node pools listed by the proxy', async () => {
    const { last } = setup({ refId: 'A', queryType: 'pods' });
    await userEvent.click(screen.getByLabelText('Node pools'));
    await userEvent.click(await within(await screen.findByRole('listbox')).findByText('gpu'));
    expect(last().nodepools).toEqual(['gpu']);
    expect(requests.map((url) => url.pathname.split('/').at(-1))).toEqual(['nodepools']);
  });

  it('says what is wrong with a query the proxy would refuse', () => {
    setup({ refId: 'A', queryType: 'pods', limit: 0 });
    expect(screen.getByText('Limit must be a whole number from 1 to 10000.')).toBeInTheDocument();
  });
});

describe('AnnotationQueryEditor', () => {
  it('edits the Transitions filters of a new annotation', async () => {
    const onChange = jest.fn();
    render(
      <AnnotationQueryEditor
        query={undefined as unknown as PodReasonsQuery}
        datasource={datasource()}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    expect(screen.queryByText('Live', { selector: 'label' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Initiators'));
    await userEvent.click(await within(await screen.findByRole('listbox')).findByText('karpenter'));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'transitions', initiators: ['karpenter'] });
  });
});
