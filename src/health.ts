import { TestDataSourceResponse } from '@grafana/data';

import { StatusResponse } from '../pkg-proxy/src/contract';

function ago(seconds: number): string {
  if (seconds < 60) {
    return `${Math.round(seconds)} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  return `${Math.round(seconds / 3600)} h ago`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function looksLikeStatus(body: unknown): body is StatusResponse {
  const status = body as Partial<StatusResponse> | null;
  return typeof status?.synced === 'boolean' && typeof status.counts === 'object' && typeof status.scope === 'object';
}

/** The health check's verdict on the proxy's /api/v1/status, in words a Grafana admin can act on. */
export function describeStatus(status: unknown): TestDataSourceResponse {
  if (!looksLikeStatus(status)) {
    return { status: 'error', message: 'The proxy URL answered, but not like a Pod Reasons proxy (no status found).' };
  }
  if (status.permissions?.pods === 'forbidden') {
    return {
      status: 'error',
      message: 'Kubernetes RBAC forbids the proxy to list pods: grant its service account get, list and watch on pods.',
    };
  }
  if (status.error) {
    return { status: 'error', message: `The proxy cannot watch Kubernetes (it keeps retrying): ${status.error}` };
  }
  if (!status.synced) {
    return {
      status: 'error',
      message: 'The proxy is running but has not finished reading the pods from Kubernetes yet. Test again shortly.',
    };
  }

  const scope = status.scope.cluster
    ? 'whole cluster'
    : `${plural(status.scope.namespaces.length, 'namespace')}: ${status.scope.namespaces.join(', ')}`;
  const lastEvent =
    status.lastEventAgeSeconds === null ? 'no change seen yet' : `last change ${ago(status.lastEventAgeSeconds)}`;
  const message =
    `Connected to Kubernetes ${status.cluster.version} (${scope}): watching ${plural(status.counts.pods, 'pod')}, ` +
    `${status.counts.abnormal} not OK; ${lastEvent}.`;

  const problems = [
    ...status.partial.map((item) => `Partial: ${item}.`),
    ...status.stale.map((item) => `Stale: ${item}.`),
  ];
  if (problems.length > 0) {
    return { status: 'warning', message: `${message} Some data is missing.`, details: { message: problems.join(' ') } };
  }
  return { status: 'success', message };
}
