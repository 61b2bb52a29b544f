// Reading the kubelet's termination messages (status.message, or the message of a
// DisruptionTarget=TerminationByKubelet condition).
import type { Category } from './types.ts';

// pkg/kubelet/eviction/helpers.go: nodeLowMessageFmt "The node was low on resource: %v. "
const LOW_ON_RESOURCE = /The node was low on resource: ([^.\s]+)\./;
// nodeConditionMessageFmt "The node had condition: %v. " (admission refused under pressure), %v of a
// []NodeConditionType prints "[MemoryPressure DiskPressure]".
const NODE_CONDITION = /The node had condition: \[([^\]]*)\]/;
// podEphemeralStorageMessageFmt, containerEphemeralStorageMessageFmt, emptyDirMessageFmt.
const LOCAL_STORAGE_LIMIT = [
  'exceeds the total limit',
  'exceeded its local ephemeral storage limit',
  'Usage of EmptyDir volume',
];
// pkg/kubelet/nodeshutdown: "Pod was terminated in response to imminent node shutdown."
const NODE_SHUTDOWN = /node shutdown/i;
// pkg/kubelet/preemption/preemption.go: "Preempted in order to admit critical pod" (status) and
// "Pod was preempted by Kubelet to accommodate a critical pod." (condition).
const PREEMPTED = /preempt/i;

/** "memory", "local-storage-limit", "admission:DiskPressure", or "" when the message says neither. */
export function evictionDetail(message: string): string {
  const low = LOW_ON_RESOURCE.exec(message);
  if (low) {
    return low[1];
  }
  if (LOCAL_STORAGE_LIMIT.some((s) => message.includes(s))) {
    return 'local-storage-limit';
  }
  const cond = NODE_CONDITION.exec(message);
  if (cond) {
    return `admission:${cond[1]
      .trim()
      .split(/[\s,]+/)
      .join(',')}`;
  }
  return '';
}

export function isShutdownMessage(message: string): boolean {
  return NODE_SHUTDOWN.test(message);
}

export interface KubeletTermination {
  reason: 'Evicted' | 'Shutdown' | 'Preempting';
  category: Category;
  detail: string;
}

/** What a kubelet-initiated termination was, from its message alone; null when it does not say. */
export function classifyKubeletTermination(message: string): KubeletTermination | null {
  if (isShutdownMessage(message)) {
    return { reason: 'Shutdown', category: 'node', detail: '' };
  }
  if (PREEMPTED.test(message)) {
    return { reason: 'Preempting', category: 'preemption', detail: '' };
  }
  const detail = evictionDetail(message);
  if (detail !== '') {
    return { reason: 'Evicted', category: 'eviction', detail };
  }
  return null;
}
