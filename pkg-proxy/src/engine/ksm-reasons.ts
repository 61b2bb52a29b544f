// kube-state-metrics v2.20.0's vocabulary of pod reasons (its internal/store/pod.go). The slim pod
// input keeps what its kube_pod_status_reason reads (normalize.ts); metrics/ksm.ts renders it.

/** The reason values of kube_pod_status_reason, in KSM's order; any other status.reason is "Other". */
export const KSM_STATUS_REASONS: readonly string[] = [
  'Evicted',
  'NodeAffinity',
  'NodeLost',
  'PreemptionByScheduler',
  'SchedulingGated',
  'Shutdown',
  'TerminationByKubelet',
  'UnexpectedAdmissionError',
];

/** The DisruptionTarget reasons kube_pod_status_disruption_reason names; any other is "Other". */
export const KSM_DISRUPTION_REASONS: readonly string[] = [
  'PreemptionByScheduler',
  'DeletionByTaintManager',
  'EvictionByEvictionAPI',
  'DeletionByPodGC',
  'TerminationByKubelet',
];
