import React, { useId } from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import { ValueKind } from '../../pkg-proxy/src/contract';
import type { DataSource } from '../datasource';
import { DEFAULT_VARIABLE_QUERY, PodReasonsOptions, PodReasonsQuery, PodReasonsVariableQuery } from '../types';

const LABEL_WIDTH = 20;

type Props = QueryEditorProps<DataSource, PodReasonsQuery, PodReasonsOptions, PodReasonsVariableQuery>;

const KINDS: Array<{ value: ValueKind; label: string; description: string }> = [
  { value: 'namespaces', label: 'Namespaces', description: 'Namespaces with pods' },
  { value: 'nodes', label: 'Nodes', description: 'Nodes pods run on' },
  { value: 'reasons', label: 'Reasons', description: 'Primary reasons seen' },
  { value: 'initiators', label: 'Initiators', description: 'Who caused disruptions' },
  { value: 'pods', label: 'Pods', description: 'Pod names, optionally within namespaces' },
  { value: 'workloads', label: 'Workloads', description: 'Workloads as namespace/Kind/name' },
  { value: 'nodepools', label: 'Node pools', description: 'Node pools pods ran in' },
];

/** A template variable lists what the proxy has seen: current pods, deleted ones and history. */
export function VariableQueryEditor({ query, onChange }: Props) {
  const namespaceId = useId();
  // A new variable starts without a query; list namespaces until the user picks something else.
  const current: PodReasonsVariableQuery = {
    ...DEFAULT_VARIABLE_QUERY,
    ...(query as Partial<PodReasonsVariableQuery>),
  };
  return (
    <Stack direction="column" gap={1}>
      <InlineField label="List" labelWidth={LABEL_WIDTH}>
        <RadioButtonGroup
          aria-label="List"
          options={KINDS}
          value={current.kind}
          onChange={(kind) => onChange({ ...current, kind })}
        />
      </InlineField>
      {current.kind === 'pods' && (
        <InlineField
          label="In namespaces"
          labelWidth={LABEL_WIDTH}
          htmlFor={namespaceId}
          tooltip="Only pods in these namespaces: a name, a comma list or a variable such as $namespace. Empty: all."
        >
          <Input
            id={namespaceId}
            width={40}
            defaultValue={current.namespace}
            placeholder="$namespace"
            onBlur={(event) => onChange({ ...current, namespace: event.currentTarget.value.trim() || undefined })}
          />
        </InlineField>
      )}
    </Stack>
  );
}
