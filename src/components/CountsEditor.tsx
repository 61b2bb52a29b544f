import React from 'react';
import { InlineFieldRow, Text } from '@grafana/ui';

import {
  AbnormalOnlyFilter,
  CategoriesFilter,
  FilterProps,
  GroupByFilter,
  IncludeDeletedFilter,
  InitiatorsFilter,
  LabelSelectorFilter,
  NamespacesFilter,
  NodepoolsFilter,
  NodesFilter,
  ReasonsFilter,
  WorkloadsFilter,
} from './filters';

/** Reason counts: how many current pods per reason, category, namespace, initiator, workload or node pool. */
export function CountsEditor(props: FilterProps) {
  return (
    <>
      <InlineFieldRow>
        <GroupByFilter {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <NamespacesFilter {...props} />
        <ReasonsFilter {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <CategoriesFilter {...props} />
        <InitiatorsFilter {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <WorkloadsFilter {...props} />
        <NodepoolsFilter {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <NodesFilter {...props} />
        <LabelSelectorFilter {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <AbnormalOnlyFilter {...props} />
        <IncludeDeletedFilter {...props} />
      </InlineFieldRow>
      <Text variant="bodySmall" color="secondary">
        One row per group with its pod count: suits bar charts, bar gauges, and pie charts or stats set to show all
        values.
      </Text>
    </>
  );
}
