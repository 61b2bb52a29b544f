// Rule 5: the containers. Init containers first, then app containers in spec order; within that,
// (a) an OOM kill beats (b) a failing init container, which beats (c) a waiting reason, which
// beats (d) an abnormal termination.
import type { Facts, Finding, Rule } from '../facts.ts';
import type { ContainerInput, PodInput, Signal, Source, TerminationInput } from '../types.ts';

/** Waiting reasons of a container that is simply on its way up. */
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

const OOM = 0;
const FAILING_INIT = 1;
const WAITING = 2;
const TERMINATED = 3;
/** Reported as a signal, never primary. */
const SIGNAL_ONLY = 4;

interface Candidate {
  rank: number;
  finding: Finding;
}

function inSpecOrder(pod: PodInput): Array<{ c: ContainerInput; init: boolean }> {
  const rank = (c: ContainerInput) => (c.order < 0 ? Number.MAX_SAFE_INTEGER : c.order);
  const app = [...pod.containers].sort((a, b) => rank(a) - rank(b));
  return [...pod.initContainers.map((c) => ({ c, init: true })), ...app.map((c) => ({ c, init: false }))];
}

function terminationDetail(t: { exitCode: number; signal: number }): string {
  return t.signal !== 0 ? `signal ${t.signal}` : `exit code ${t.exitCode}`;
}

/** Exited non-zero or by a signal, or with a reason other than Completed. */
function abnormalExit(t: { reason: string; exitCode: number; signal: number }): boolean {
  return t.exitCode !== 0 || t.signal !== 0 || (t.reason !== '' && t.reason !== 'Completed');
}

/** Between two runs: waiting to start again, or started but not yet through its startup probe. */
function restarting(c: ContainerInput): boolean {
  return c.state === 'waiting' || (c.state === 'running' && c.started === false);
}

function candidate(
  rank: number,
  c: ContainerInput,
  source: Source,
  reason: string,
  detail: string,
  message: string,
  since: string | null
): Candidate {
  const signal: Signal = { reason, source, message, container: c.name };
  return {
    rank,
    finding: {
      reason,
      category: 'container',
      source,
      initiator: 'container',
      detail,
      message,
      since,
      abnormal: true,
      signal,
    },
  };
}

/** Everything abnormal about one container, each with the sub-rule that would make it primary. */
function observe(c: ContainerInput, init: boolean): Candidate[] {
  const prefix = init ? 'initContainer' : 'container';
  const out: Candidate[] = [];
  if (c.state === 'waiting' && c.reason !== '' && !STARTING.has(c.reason)) {
    const detail =
      c.reason === 'CrashLoopBackOff' && c.last
        ? `${c.last.reason || 'Error'}, ${terminationDetail(c.last)}`
        : `container ${c.name}`;
    const since = c.last?.finishedAt ?? null;
    out.push(candidate(init ? FAILING_INIT : WAITING, c, `${prefix}.waiting`, c.reason, detail, c.message, since));
  }
  // An init container that exited 0 did its job, whatever its reason says (kubectl agrees).
  if (c.state === 'terminated' && (init ? c.exitCode !== 0 : abnormalExit(c))) {
    const oom = c.reason === 'OOMKilled';
    const rank = oom ? OOM : init ? FAILING_INIT : TERMINATED;
    const detail = oom ? `container ${c.name}` : terminationDetail(c);
    out.push(candidate(rank, c, `${prefix}.terminated`, c.reason || 'Error', detail, c.message, c.finishedAt));
  }
  const last: TerminationInput | null = c.last;
  if (last && abnormalExit(last) && restarting(c)) {
    const oom = last.reason === 'OOMKilled';
    const detail = oom ? `container ${c.name}` : terminationDetail(last);
    out.push(
      candidate(
        oom ? OOM : SIGNAL_ONLY,
        c,
        `${prefix}.lastTerminated`,
        last.reason || 'Error',
        detail,
        last.message,
        last.finishedAt
      )
    );
  }
  return out;
}

function candidates(pod: PodInput): Candidate[] {
  return inSpecOrder(pod).flatMap(({ c, init }) => observe(c, init));
}

export const containersRule: Rule = {
  find(facts: Facts): Finding | null {
    let best: Candidate | null = null;
    for (const cand of candidates(facts.pod)) {
      if (cand.rank < SIGNAL_ONLY && (!best || cand.rank < best.rank)) {
        best = cand;
      }
    }
    return best?.finding ?? null;
  },
  signals: (facts) => candidates(facts.pod).map((cand) => cand.finding.signal),
};
