// The reason engine: pure functions from Kubernetes objects to one answer per pod
// (docs/pod-reasons.md §3–§7). No I/O.
export { awaitsEvidence } from './attribution.ts';
export { explainPod } from './explain.ts';
export { kubectlStatus } from './kubectl-status.ts';
export { toEventInput, toNodeInput, toPodInput } from './normalize.ts';
export { nodePoolOf } from './node-pool.ts';
export { resolveWorkload } from './workload.ts';
export * from './types.ts';
