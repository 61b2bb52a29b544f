import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { DataSource } from '../datasource';
import { PodReasonsVariableQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

function setup(query: Partial<PodReasonsVariableQuery>) {
  const onChange = jest.fn();
  render(
    <VariableQueryEditor
      query={query as PodReasonsVariableQuery}
      datasource={{} as DataSource}
      onChange={onChange}
      onRunQuery={jest.fn()}
    />
  );
  return onChange;
}

describe('VariableQueryEditor', () => {
  it('starts a new variable on namespaces', () => {
    setup({});
    expect(screen.getByRole('radio', { name: 'Namespaces' })).toBeChecked();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
  });

  it.each([
    ['Nodes', 'nodes'],
    ['Reasons', 'reasons'],
    ['Initiators', 'initiators'],
    ['Workloads', 'workloads'],
    ['Node pools', 'nodepools'],
  ])('lists %s', async (label, kind) => {
    const onChange = setup({ refId: 'v', kind: 'namespaces' });
    await userEvent.click(screen.getByRole('radio', { name: label }));
    expect(onChange).toHaveBeenCalledWith({ refId: 'v', kind });
  });

  it('lists pods, optionally within namespaces given by a variable', async () => {
    const onChange = setup({ refId: 'v', kind: 'pods' });
    await userEvent.type(screen.getByLabelText('In namespaces'), '$namespace');
    await userEvent.tab();
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'pods', namespace: '$namespace' });
    await userEvent.clear(screen.getByLabelText('In namespaces'));
    await userEvent.tab();
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'pods', namespace: undefined });
  });
});
