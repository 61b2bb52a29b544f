import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

import { GroupBy, ValueKind } from '../pkg-proxy/src/contract';

/** What a query asks the proxy for; each has its own editor. */
export type QueryType = 'pods' | 'counts' | 'transitions' | 'timeseries';

/**
 * A panel query. Every string field, and every entry of a list field, may hold template
 * variables ($namespace, multi-value too); they are interpolated before the proxy is called.
 */
export interface PodReasonsQuery extends DataQuery {
  queryType?: QueryType;
  namespaces?: string[];
  reasons?: string[];
  categories?: string[];
  initiators?: string[];
  nodes?: string[];
  pods?: string[];
  /** `Kind/name` (in any namespace) or `namespace/Kind/name`, as /values/workloads lists them. */
  workloads?: string[];
  nodepools?: string[];
  labelSelector?: string;
  /** Only pods whose primary reason is abnormal (Pods, Reason counts). */
  abnormalOnly?: boolean;
  /** Include tombstones of deleted pods (Pods, Reason counts). */
  includeDeleted?: boolean;
  /** Reason counts and Time series. */
  groupBy?: GroupBy;
  /** Pods and Transitions: at most this many rows. */
  limit?: number;
  /** Pods and Transitions: keep the panel updated over a WebSocket. */
  live?: boolean;
}

export const DEFAULT_QUERY: Partial<PodReasonsQuery> = {
  queryType: 'pods',
  abnormalOnly: true,
  groupBy: 'reason',
};

/** A template variable query: which values to list. */
export interface PodReasonsVariableQuery extends DataQuery {
  /** What the variable lists: each kind is a `/api/v1/values/{kind}` endpoint of the proxy. */
  kind: ValueKind;
  /** For kind "pods": only pods in these namespaces (may hold variables). */
  namespace?: string;
}

export const DEFAULT_VARIABLE_QUERY: PodReasonsVariableQuery = { refId: 'variable', kind: 'namespaces' };

/** Data source settings visible to every viewer: never secrets. */
export interface PodReasonsOptions extends DataSourceJsonData {
  /** The proxy's base URL, e.g. http://podreasons-proxy:8080; Grafana's server calls it. */
  proxyUrl?: string;
  /**
   * Skip TLS verification of an https proxy URL (tests and self-signed setups only). Grafana's data
   * proxy reads this jsonData key itself, for route requests too; the plugin never uses it.
   */
  tlsSkipVerify?: boolean;
  /** Verify the proxy's certificate against secureJsonData.tlsCACert (Grafana's data proxy reads it). */
  tlsAuthWithCACert?: boolean;
  /** Present secureJsonData.tlsClientCert and tlsClientKey to the proxy. */
  tlsAuth?: boolean;
}

/** Write-only settings: Grafana keeps them server-side and adds them in the route. */
export interface PodReasonsSecureOptions {
  token?: string;
  /** PEM: the CA that signed the proxy's certificate, for a private CA. */
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
}
