import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { Alert, InlineField, RadioButtonGroup, Stack } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { QUERY_TYPES, queryProblem } from '../query';
import { PodReasonsOptions, PodReasonsQuery, QueryType } from '../types';
import { CountsEditor } from './CountsEditor';
import { FilterProps, LABEL_WIDTH } from './filters';
import { PodsEditor } from './PodsEditor';
import { TimeSeriesEditor } from './TimeSeriesEditor';
import { TransitionsEditor } from './TransitionsEditor';

type Props = QueryEditorProps<DataSource, PodReasonsQuery, PodReasonsOptions>;

const EDITORS: Record<QueryType, (props: FilterProps) => React.JSX.Element> = {
  pods: PodsEditor,
  counts: CountsEditor,
  transitions: TransitionsEditor,
  timeseries: TimeSeriesEditor,
};

export function QueryEditor({ query, datasource, onChange, onRunQuery }: Props) {
  const queryType = query.queryType ?? 'pods';
  const Editor = EDITORS[queryType];
  const problem = queryProblem(query);
  // Every control commits a finished choice, so each change runs the query.
  const change = (patch: Partial<PodReasonsQuery>) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };

  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Query type" labelWidth={LABEL_WIDTH}>
        <RadioButtonGroup
          aria-label="Query type"
          options={QUERY_TYPES}
          value={queryType}
          onChange={(value) => change({ queryType: value })}
        />
      </InlineField>
      {Editor && <Editor query={query} datasource={datasource} onChange={change} />}
      {problem && <Alert severity="error" title={problem} />}
    </Stack>
  );
}
