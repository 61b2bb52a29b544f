import React from 'react';
import { InlineFieldRow, Text } from '@grafana/ui';

import {
  CategoriesFilter,
  FilterProps,
  InitiatorsFilter,
  LimitFilter,
  LiveFilter,
  NamespacesFilter,
  NodepoolsFilter,
  NodesFilter,
  PodsFilter,
  ReasonsFilter,
  WorkloadsFilter,
} from './filters';

/** The filters transitions take; annotations use them too. */
export function TransitionFilters(props: FilterProps) {
  return (
    <>
      <InlineFieldRow>
        <NamespacesFilter {...props} />
        <PodsFilter {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <ReasonsFilter {...props} />
        <CategoriesFilter {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <InitiatorsFilter {...props} />
        <NodesFilter {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <WorkloadsFilter {...props} />
        <NodepoolsFilter {...props} />
      </InlineFieldRow>
    </>
  );
}

/** Transitions: each time a pod entered an abnormal reason within the dashboard's time range. */
export function TransitionsEditor(props: FilterProps) {
  return (
    <>
      <TransitionFilters {...props} />
      <InlineFieldRow>
        <LimitFilter {...props} />
        <LiveFilter {...props} />
      </InlineFieldRow>
      <Text variant="bodySmall" color="secondary">
        Transitions in the dashboard&apos;s time range, newest first; live adds new ones as they happen.
      </Text>
    </>
  );
}
