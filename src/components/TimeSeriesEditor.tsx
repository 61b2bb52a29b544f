import React from 'react';
import { InlineFieldRow, Text } from '@grafana/ui';

import { FilterProps, GroupByFilter } from './filters';
import { TransitionFilters } from './TransitionsEditor';

/** Time series: transitions counted per panel interval, one series per group. */
export function TimeSeriesEditor(props: FilterProps) {
  return (
    <>
      <InlineFieldRow>
        <GroupByFilter {...props} />
      </InlineFieldRow>
      <TransitionFilters {...props} />
      <Text variant="bodySmall" color="secondary">
        Counts transitions per panel interval; set Min interval in the query options for wider buckets.
      </Text>
    </>
  );
}
