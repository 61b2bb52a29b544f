import { createDataFrame, CustomVariableSupport, DataQueryRequest, DataQueryResponse, FieldType } from '@grafana/data';
import { from, map, Observable } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { DataSource } from './datasource';
import { interpolateList } from './interpolate';
import { DEFAULT_VARIABLE_QUERY, PodReasonsOptions, PodReasonsQuery, PodReasonsVariableQuery } from './types';

/** Template variables list namespaces, nodes, reasons, initiators, pods, workloads or node pools as the proxy has seen them. */
export class PodReasonsVariableSupport extends CustomVariableSupport<
  DataSource,
  PodReasonsVariableQuery,
  PodReasonsQuery,
  PodReasonsOptions
> {
  editor = VariableQueryEditor;
  private readonly datasource: DataSource;

  constructor(datasource: DataSource) {
    super();
    this.datasource = datasource;
  }

  query(request: DataQueryRequest<PodReasonsVariableQuery>): Observable<DataQueryResponse> {
    const query = { ...DEFAULT_VARIABLE_QUERY, ...request.targets[0] };
    const namespaces =
      query.kind === 'pods' && query.namespace ? interpolateList([query.namespace], request.scopedVars) : [];
    return from(this.datasource.api.values(query.kind, namespaces)).pipe(
      map((values) => ({
        data: [createDataFrame({ refId: query.refId, fields: [{ name: 'text', type: FieldType.string, values }] })],
      }))
    );
  }
}
