import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { Stack, Text } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { PodReasonsQuery } from '../types';
import { TransitionFilters } from './TransitionsEditor';

type Props = QueryEditorProps<DataSource, PodReasonsQuery>;

/** Annotations mark transitions on time series panels; they take the Transitions filters. */
export function AnnotationQueryEditor({ query, datasource, onChange }: Props) {
  // A new annotation has no query yet.
  const current: PodReasonsQuery = { ...query, refId: query?.refId ?? 'Anno', queryType: 'transitions' };
  return (
    <Stack direction="column" gap={1}>
      <TransitionFilters
        query={current}
        datasource={datasource}
        onChange={(patch) => onChange({ ...current, ...patch })}
      />
      <Text variant="bodySmall" color="secondary">
        Each transition becomes an annotation: the reason as title; namespace/pod, initiator, detail and message as
        text; namespace, category and initiator as tags. The plugin sets these itself, so Grafana&apos;s field mapping
        below does not apply.
      </Text>
    </Stack>
  );
}
