import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import {
  AbnormalOnlyFilter,
  CategoriesFilter,
  FilterProps,
  IncludeDeletedFilter,
  InitiatorsFilter,
  LabelSelectorFilter,
  LimitFilter,
  LiveFilter,
  NamespacesFilter,
  NodepoolsFilter,
  NodesFilter,
  PodsFilter,
  ReasonsFilter,
  WorkloadsFilter,
} from './filters';

/** Pods: one row per pod with its primary reason, like `kubectl get pods` that explains itself. */
export function PodsEditor(props: FilterProps) {
  return (
    <>
      <InlineFieldRow>
        <NamespacesFilter {...props} />
        <PodsFilter {...props} />
      </InlineFieldRow>
      <InlineFieldRow>
        <ReasonsFilter {...props} />
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
        <LimitFilter {...props} />
        <LiveFilter {...props} />
      </InlineFieldRow>
    </>
  );
}
