import {
  CoreApp,
  DataFrame,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  LoadingState,
  ScopedVars,
  TestDataSourceResponse,
} from '@grafana/data';
import { catchError, map, merge, Observable, of } from 'rxjs';

import { SERIES_MAX_POINTS } from '../pkg-proxy/src/contract';
import { annotationSupport } from './annotations';
import { Api } from './api';
import { countsFrame, podsFrame, seriesFrame, transitionsFrame } from './frames';
import { describeStatus } from './health';
import { interpolateQuery } from './interpolate';
import { filterParams, setRange } from './params';
import { canStream, describeQuery, queryProblem } from './query';
import { livePods, liveTransitions } from './stream';
import { DEFAULT_QUERY, PodReasonsOptions, PodReasonsQuery } from './types';
import { PodReasonsVariableSupport } from './variables';

/** Transitions happen at second granularity at best; smaller steps only make empty buckets. */
const MIN_STEP_MS = 1000;

export class DataSource extends DataSourceApi<PodReasonsQuery, PodReasonsOptions> {
  readonly api: Api;
  private readonly proxyUrl?: string;

  constructor(instanceSettings: DataSourceInstanceSettings<PodReasonsOptions>) {
    super(instanceSettings);
    this.api = new Api(instanceSettings);
    this.proxyUrl = instanceSettings.jsonData.proxyUrl;
    this.annotations = annotationSupport;
    this.variables = new PodReasonsVariableSupport(this);
  }

  getDefaultQuery(_app: CoreApp): Partial<PodReasonsQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: PodReasonsQuery): boolean {
    return !query.hide && queryProblem(query) === undefined;
  }

  getQueryDisplayText(query: PodReasonsQuery): string {
    return describeQuery(query);
  }

  interpolateVariablesInQueries(queries: PodReasonsQuery[], scopedVars: ScopedVars): PodReasonsQuery[] {
    return queries.map((query) => ({ ...interpolateQuery(query, scopedVars), datasource: this.getRef() }));
  }

  query(request: DataQueryRequest<PodReasonsQuery>): Observable<DataQueryResponse> {
    const responses = request.targets
      .filter((query) => !query.hide)
      .map((query) => {
        const problem = queryProblem(query);
        const answer = problem
          ? of(failed(query.refId, problem))
          : this.run(interpolateQuery(query, request.scopedVars), request);
        // One failing query must not hide the others' data.
        return answer.pipe(catchError((error: Error) => of(failed(query.refId, error.message))));
      });
    return responses.length ? merge(...responses) : of({ data: [] });
  }

  private run(query: PodReasonsQuery, request: DataQueryRequest<PodReasonsQuery>): Observable<DataQueryResponse> {
    const { refId } = query;
    const queryType = query.queryType ?? 'pods';
    const groupBy = query.groupBy ?? 'reason';
    const params = filterParams(query);
    const done = (frame: DataFrame): DataQueryResponse => ({
      key: refId,
      state: LoadingState.Done,
      data: [frame],
    });

    if (query.live && canStream(queryType)) {
      const url = this.api.streamUrl(new URLSearchParams([['kind', queryType], ...params]));
      return queryType === 'pods'
        ? livePods(url, query)
        : liveTransitions(url, query, this.transitions(query, request).pipe(map((response) => response.items)));
    }
    switch (queryType) {
      case 'pods':
        if (query.limit) {
          params.set('limit', String(query.limit));
        }
        return this.api.pods(params).pipe(map(({ items, total }) => done(podsFrame(refId, items, total))));
      case 'counts':
        return this.api.summary(params).pipe(map((summary) => done(countsFrame(refId, summary, groupBy))));
      case 'transitions':
        return this.transitions(query, request).pipe(map(({ items }) => done(transitionsFrame(refId, items))));
      case 'timeseries': {
        setRange(params, request.range);
        params.set('step', String(stepMs(request)));
        params.set('groupBy', groupBy);
        return this.api.series(params).pipe(map((series) => done(seriesFrame(refId, series, groupBy))));
      }
    }
  }

  private transitions(query: PodReasonsQuery, request: DataQueryRequest<PodReasonsQuery>) {
    const params = setRange(filterParams(query), request.range);
    if (query.limit) {
      params.set('limit', String(query.limit));
    }
    return this.api.transitions(params);
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.proxyUrl) {
      return { status: 'error', message: 'Enter the URL of the Pod Reasons proxy, then save and test again.' };
    }
    try {
      return describeStatus(await this.api.status());
    } catch (error) {
      return { status: 'error', message: (error as Error).message };
    }
  }
}

/** The panel's interval, widened so the range never needs more buckets than the proxy allows. */
export function stepMs(request: Pick<DataQueryRequest, 'intervalMs' | 'range'>): number {
  const span = request.range.to.valueOf() - request.range.from.valueOf();
  return Math.max(request.intervalMs || 0, Math.ceil(span / SERIES_MAX_POINTS), MIN_STEP_MS);
}

function failed(refId: string, message: string): DataQueryResponse {
  return { key: refId, state: LoadingState.Error, data: [], errors: [{ refId, message }] };
}
