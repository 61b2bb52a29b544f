import { AnnotationEvent, AnnotationSupport, DataFrame, DataFrameView } from '@grafana/data';
import { of } from 'rxjs';

import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { PodReasonsQuery } from './types';

interface TransitionRow {
  time: number | null;
  namespace: string;
  pod: string;
  workloadKind: string;
  workload: string;
  reason: string;
  category: string;
  initiator: string;
  detail: string;
  message: string;
}

/** Each transition row becomes one annotation: what happened as the title, to whom and why as text. */
export function transitionEvents(frames: DataFrame[]): AnnotationEvent[] {
  return frames.flatMap((frame) =>
    new DataFrameView<TransitionRow>(frame).toArray().map((row) => ({
      time: row.time ?? undefined,
      title: row.reason,
      text: [
        `${row.namespace}/${row.pod}`,
        row.workload && `${row.workloadKind}/${row.workload}`,
        `initiator ${row.initiator}`,
        row.detail,
        row.message,
      ]
        .filter(Boolean)
        .join(' · '),
      tags: [row.namespace, row.category, row.initiator],
    }))
  );
}

/** Annotations are Transitions queries over the dashboard range; live updates do not apply. */
export const annotationSupport: AnnotationSupport<PodReasonsQuery> = {
  QueryEditor: AnnotationQueryEditor,
  getDefaultQuery: () => ({ queryType: 'transitions' }),
  prepareQuery: (annotation) => ({
    refId: 'Anno',
    ...annotation.target,
    queryType: 'transitions',
    live: false,
  }),
  processEvents: (_annotation, frames) => of(transitionEvents(frames)),
};
