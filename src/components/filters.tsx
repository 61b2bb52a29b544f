import React, { useCallback, useId } from 'react';
import { InlineField, InlineSwitch, Input, RadioButtonGroup } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { interpolateList } from '../interpolate';
import { CATEGORIES, INITIATORS } from '../../pkg-proxy/src/contract';
import { DEFAULT_LIMIT, GROUP_BY, MAX_LIMIT } from '../query';
import { ListField } from '../params';
import { PodReasonsQuery } from '../types';
import { ValuesPicker } from './ValuesPicker';

/** What every filter control gets: the query, and a way to change some of its fields. */
export interface FilterProps {
  query: PodReasonsQuery;
  datasource: DataSource;
  onChange: (patch: Partial<PodReasonsQuery>) => void;
}

export const LABEL_WIDTH = 14;

function ListFilter({
  query,
  onChange,
  field,
  label,
  tooltip,
  load,
}: Omit<FilterProps, 'datasource'> & {
  field: ListField;
  label: string;
  tooltip: string;
  load: () => Promise<string[]>;
}) {
  const id = useId();
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip} htmlFor={id}>
      <ValuesPicker id={id} value={query[field]} onChange={(values) => onChange({ [field]: values })} load={load} />
    </InlineField>
  );
}

const categories = () => Promise.resolve([...CATEGORIES]);
const initiators = () => Promise.resolve([...INITIATORS]);

export function NamespacesFilter(props: FilterProps) {
  const { api } = props.datasource;
  const load = useCallback(() => api.values('namespaces'), [api]);
  return <ListFilter {...props} field="namespaces" label="Namespaces" tooltip="Any of these namespaces" load={load} />;
}

export function PodsFilter(props: FilterProps) {
  const { api } = props.datasource;
  const namespaces = props.query.namespaces;
  // Offer the pods of the chosen namespaces; their entries may be variables.
  const load = useCallback(() => api.values('pods', interpolateList(namespaces ?? [])), [api, namespaces]);
  return <ListFilter {...props} field="pods" label="Pods" tooltip="Any of these pod names" load={load} />;
}

export function ReasonsFilter(props: FilterProps) {
  const { api } = props.datasource;
  const load = useCallback(() => api.values('reasons'), [api]);
  return (
    <ListFilter
      {...props}
      field="reasons"
      label="Reasons"
      tooltip="Primary reasons such as OOMKilled, Evicted or EvictionByEvictionAPI"
      load={load}
    />
  );
}

export function CategoriesFilter(props: FilterProps) {
  return (
    <ListFilter
      {...props}
      field="categories"
      label="Categories"
      tooltip="Kinds of reason: eviction, preemption, node, container, scheduling, …"
      load={categories}
    />
  );
}

export function InitiatorsFilter(props: FilterProps) {
  return (
    <ListFilter
      {...props}
      field="initiators"
      label="Initiators"
      tooltip="Who caused it: kubelet, karpenter, cluster-autoscaler, drain, …"
      load={initiators}
    />
  );
}

export function NodesFilter(props: FilterProps) {
  const { api } = props.datasource;
  const load = useCallback(() => api.values('nodes'), [api]);
  return <ListFilter {...props} field="nodes" label="Nodes" tooltip="Pods on any of these nodes" load={load} />;
}

export function WorkloadsFilter(props: FilterProps) {
  const { api } = props.datasource;
  const load = useCallback(() => api.values('workloads'), [api]);
  return (
    <ListFilter
      {...props}
      field="workloads"
      label="Workloads"
      tooltip="Pods of any of these workloads: namespace/Kind/name, or Kind/name in any namespace (Deployment/web)"
      load={load}
    />
  );
}

export function NodepoolsFilter(props: FilterProps) {
  const { api } = props.datasource;
  const load = useCallback(() => api.values('nodepools'), [api]);
  return (
    <ListFilter
      {...props}
      field="nodepools"
      label="Node pools"
      tooltip="Pods on nodes of any of these pools (Karpenter NodePool, EKS, GKE or AKS node group)"
      load={load}
    />
  );
}

export function LabelSelectorFilter({ query, onChange }: FilterProps) {
  const id = useId();
  return (
    <InlineField
      label="Labels"
      labelWidth={LABEL_WIDTH}
      htmlFor={id}
      tooltip="A Kubernetes label selector, e.g. app=web,tier!=db,env in (prod,staging)"
    >
      <Input
        id={id}
        width={40}
        defaultValue={query.labelSelector}
        placeholder="app=web,env in (prod)"
        onBlur={(event) => {
          const labelSelector = event.currentTarget.value.trim() || undefined;
          if (labelSelector !== query.labelSelector) {
            onChange({ labelSelector });
          }
        }}
      />
    </InlineField>
  );
}

function SwitchFilter({
  query,
  onChange,
  field,
  label,
  tooltip,
}: Omit<FilterProps, 'datasource'> & {
  field: 'abnormalOnly' | 'includeDeleted' | 'live';
  label: string;
  tooltip: string;
}) {
  const id = useId();
  return (
    <InlineField label={label} tooltip={tooltip} htmlFor={id}>
      <InlineSwitch
        id={id}
        value={Boolean(query[field])}
        onChange={(event) => onChange({ [field]: event.currentTarget.checked })}
      />
    </InlineField>
  );
}

export function AbnormalOnlyFilter(props: FilterProps) {
  return <SwitchFilter {...props} field="abnormalOnly" label="Abnormal only" tooltip="Leave out healthy pods" />;
}

export function IncludeDeletedFilter(props: FilterProps) {
  return (
    <SwitchFilter
      {...props}
      field="includeDeleted"
      label="Include deleted"
      tooltip="Also show pods deleted recently, with the reason they had when they went away"
    />
  );
}

export function LiveFilter(props: FilterProps) {
  return (
    <SwitchFilter
      {...props}
      field="live"
      label="Live"
      tooltip="Keep the table updated as pods change, over a WebSocket to the proxy"
    />
  );
}

export function LimitFilter({ query, onChange }: FilterProps) {
  const id = useId();
  return (
    <InlineField label="Limit" htmlFor={id} tooltip={`At most this many rows (1–${MAX_LIMIT})`}>
      <Input
        id={id}
        type="number"
        width={10}
        min={1}
        max={MAX_LIMIT}
        defaultValue={query.limit}
        placeholder={String(DEFAULT_LIMIT)}
        onBlur={(event) => {
          const text = event.currentTarget.value.trim();
          const limit = text ? Number(text) : undefined;
          if (limit !== query.limit) {
            onChange({ limit });
          }
        }}
      />
    </InlineField>
  );
}

export function GroupByFilter({ query, onChange }: FilterProps) {
  return (
    <InlineField label="Group by" labelWidth={LABEL_WIDTH}>
      <RadioButtonGroup
        aria-label="Group by"
        options={GROUP_BY}
        value={query.groupBy ?? 'reason'}
        onChange={(groupBy) => onChange({ groupBy })}
      />
    </InlineField>
  );
}
