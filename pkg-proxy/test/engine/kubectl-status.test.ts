// kubectl's STATUS column: one row per branch of printPod in kube-apiserver v1.37
// (pkg/printers/internalversion/printers.go; cases modelled on printers_test.go TestPrintPod*).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubectlStatus, toPodInput } from '../../src/engine/index.ts';
import {
  at,
  condition,
  exit,
  pod,
  podConditions,
  running,
  terminated,
  waiting,
  withDeletion,
  type PodOpts,
} from '../fixtures/k8s.ts';

const initializing = [condition('Initialized', 'False', 'ContainersNotInitialized'), condition('PodScheduled', 'True')];

const rows: Array<{ name: string; pod: PodOpts | Record<string, unknown>; want: string }> = [
  { name: 'the phase', pod: { name: 'p1' }, want: 'Running' },
  {
    name: 'no phase at all prints nothing',
    pod: { name: 'p2', phase: '', conditions: [], containerStatuses: [] },
    want: '',
  },
  {
    name: 'status.reason over the phase',
    pod: { name: 'p3', phase: 'Failed', reason: 'Evicted', containerStatuses: [] },
    want: 'Evicted',
  },
  {
    name: 'SchedulingGated',
    pod: {
      name: 'p4',
      node: '',
      phase: 'Pending',
      conditions: [condition('PodScheduled', 'False', 'SchedulingGated')],
      containerStatuses: [],
    },
    want: 'SchedulingGated',
  },
  {
    name: 'Init:i/n while an init container runs',
    pod: {
      name: 'p5',
      phase: 'Pending',
      initContainers: ['a', 'b'],
      conditions: initializing,
      initContainerStatuses: [terminated('a', { reason: 'Completed', exitCode: 0 }), running('b', { ready: false })],
      containerStatuses: [waiting('app', 'PodInitializing')],
    },
    want: 'Init:1/2',
  },
  {
    name: 'Init:0/n for an init container waiting with PodInitializing',
    pod: {
      name: 'p6',
      phase: 'Pending',
      initContainers: ['a'],
      conditions: initializing,
      initContainerStatuses: [waiting('a', 'PodInitializing')],
      containerStatuses: [waiting('app', 'PodInitializing')],
    },
    want: 'Init:0/1',
  },
  {
    name: 'Init:<waiting reason>',
    pod: {
      name: 'p7',
      phase: 'Pending',
      initContainers: ['a'],
      conditions: initializing,
      initContainerStatuses: [waiting('a', 'ImagePullBackOff')],
      containerStatuses: [waiting('app', 'PodInitializing')],
    },
    want: 'Init:ImagePullBackOff',
  },
  {
    name: 'Init:<terminated reason>',
    pod: {
      name: 'p8',
      phase: 'Failed',
      initContainers: ['a'],
      conditions: initializing,
      initContainerStatuses: [terminated('a', { reason: 'Error', exitCode: 1 })],
      containerStatuses: [waiting('app', 'PodInitializing')],
    },
    want: 'Init:Error',
  },
  {
    name: 'Init:ExitCode:N',
    pod: {
      name: 'p9',
      phase: 'Failed',
      initContainers: ['a'],
      conditions: initializing,
      initContainerStatuses: [terminated('a', { exitCode: 3 })],
      containerStatuses: [waiting('app', 'PodInitializing')],
    },
    want: 'Init:ExitCode:3',
  },
  {
    name: 'Init:Signal:N',
    pod: {
      name: 'p10',
      phase: 'Failed',
      initContainers: ['a'],
      conditions: initializing,
      initContainerStatuses: [terminated('a', { exitCode: 137, signal: 9 })],
      containerStatuses: [waiting('app', 'PodInitializing')],
    },
    want: 'Init:Signal:9',
  },
  {
    name: 'a started sidecar does not hold the next init container back',
    pod: {
      name: 'p11',
      phase: 'Pending',
      initContainers: [['proxy', 'Always'], 'setup'],
      conditions: initializing,
      initContainerStatuses: [running('proxy'), running('setup', { ready: false })],
      containerStatuses: [waiting('app', 'PodInitializing')],
    },
    want: 'Init:1/2',
  },
  {
    name: 'a sidecar that has not started yet does',
    pod: {
      name: 'p12',
      phase: 'Pending',
      initContainers: [['proxy', 'Always'], 'setup'],
      conditions: initializing,
      initContainerStatuses: [running('proxy', { started: false, ready: false }), waiting('setup', 'PodInitializing')],
      containerStatuses: [waiting('app', 'PodInitializing')],
    },
    want: 'Init:0/2',
  },
  {
    name: 'a running non-sidecar init container with started=true still initializes',
    pod: {
      name: 'p13',
      phase: 'Pending',
      initContainers: ['setup'],
      conditions: initializing,
      initContainerStatuses: [running('setup', { started: true, ready: false })],
      containerStatuses: [waiting('app', 'PodInitializing')],
    },
    want: 'Init:0/1',
  },
  {
    name: 'started sidecars and running app containers: Running',
    pod: {
      name: 'p14',
      initContainers: [['proxy', 'Always']],
      initContainerStatuses: [running('proxy')],
      containerStatuses: [running('app')],
    },
    want: 'Running',
  },
  {
    name: 'a crashing sidecar in an initialized pod keeps its Init: status',
    pod: {
      name: 'p15',
      initContainers: [['proxy', 'Always']],
      conditions: podConditions(false),
      initContainerStatuses: [waiting('proxy', 'CrashLoopBackOff', '', { started: false })],
      containerStatuses: [running('app')],
    },
    want: 'Init:CrashLoopBackOff',
  },
  {
    name: 'an initialized pod: app containers override the Init: status',
    pod: {
      name: 'p16',
      initContainers: [['proxy', 'Always']],
      conditions: podConditions(false),
      initContainerStatuses: [waiting('proxy', 'CrashLoopBackOff', '', { started: false })],
      containerStatuses: [waiting('app', 'CreateContainerConfigError')],
    },
    want: 'CreateContainerConfigError',
  },
  {
    name: 'a waiting reason',
    pod: { name: 'p17', containerStatuses: [waiting('app', 'CrashLoopBackOff')] },
    want: 'CrashLoopBackOff',
  },
  {
    name: 'a waiting state without reason says nothing',
    pod: { name: 'p18', containerStatuses: [waiting('app', '')] },
    want: 'Running',
  },
  {
    name: 'a terminated reason',
    pod: {
      name: 'p19',
      phase: 'Failed',
      containerStatuses: [terminated('app', { reason: 'OOMKilled', exitCode: 137 })],
    },
    want: 'OOMKilled',
  },
  {
    name: 'ExitCode:N',
    pod: { name: 'p20', phase: 'Failed', containerStatuses: [terminated('app', { exitCode: 2 })] },
    want: 'ExitCode:2',
  },
  {
    name: 'ExitCode:0',
    pod: { name: 'p21', phase: 'Succeeded', containerStatuses: [terminated('app', { exitCode: 0 })] },
    want: 'ExitCode:0',
  },
  {
    name: 'Signal:N',
    pod: { name: 'p22', phase: 'Failed', containerStatuses: [terminated('app', { exitCode: 143, signal: 15 })] },
    want: 'Signal:15',
  },
  {
    name: 'the first container in status order wins',
    pod: { name: 'p23', containerStatuses: [waiting('a', 'ImagePullBackOff'), waiting('b', 'CrashLoopBackOff')] },
    want: 'ImagePullBackOff',
  },
  {
    name: 'Completed next to a running ready container, pod Ready: Running',
    pod: {
      name: 'p24',
      conditions: podConditions(true),
      containerStatuses: [terminated('init-like', { reason: 'Completed', exitCode: 0 }), running('app')],
    },
    want: 'Running',
  },
  {
    name: 'Completed next to a running ready container, pod not Ready: NotReady',
    pod: {
      name: 'p25',
      conditions: podConditions(false),
      containerStatuses: [terminated('init-like', { reason: 'Completed', exitCode: 0 }), running('app')],
    },
    want: 'NotReady',
  },
  {
    name: 'Completed next to a running container that is not ready: Completed',
    pod: {
      name: 'p26',
      conditions: podConditions(false),
      containerStatuses: [
        terminated('init-like', { reason: 'Completed', exitCode: 0 }),
        running('app', { ready: false }),
      ],
    },
    want: 'Completed',
  },
  {
    name: 'Completed next to a failed container: the failure (kubernetes#124766)',
    pod: {
      name: 'p27',
      phase: 'Failed',
      conditions: podConditions(false),
      containerStatuses: [
        terminated('a', { reason: 'Completed', exitCode: 0 }),
        terminated('b', { reason: 'Error', exitCode: 1 }),
      ],
    },
    want: 'Error',
  },
  {
    name: 'Completed next to a failed container and a running ready one, pod Ready: Running',
    pod: {
      name: 'p28',
      conditions: podConditions(true),
      containerStatuses: [
        terminated('a', { reason: 'Completed', exitCode: 0 }),
        terminated('b', { exitCode: 2 }),
        running('c'),
      ],
    },
    want: 'Running',
  },
  {
    name: 'Completed next to a failed container and a running ready one, pod not Ready: the failure',
    pod: {
      name: 'p29',
      conditions: podConditions(false),
      containerStatuses: [
        terminated('a', { reason: 'Completed', exitCode: 0 }),
        terminated('b', { exitCode: 2 }),
        running('c'),
      ],
    },
    want: 'ExitCode:2',
  },
  {
    name: 'Completed',
    pod: {
      name: 'p30',
      phase: 'Succeeded',
      containerStatuses: [terminated('app', { reason: 'Completed', exitCode: 0 })],
    },
    want: 'Completed',
  },
  { name: 'a deletion: Terminating', pod: withDeletion(pod({ name: 'p31' }), at(30)), want: 'Terminating' },
  {
    name: 'a deletion of a NodeLost pod: Unknown',
    pod: withDeletion(pod({ name: 'p32', reason: 'NodeLost' }), at(30)),
    want: 'Unknown',
  },
  {
    name: 'a deletion of a finished pod keeps its status',
    pod: withDeletion(pod({ name: 'p33', phase: 'Failed', reason: 'Evicted', containerStatuses: [] }), at(30)),
    want: 'Evicted',
  },
  {
    name: 'a deletion of a succeeded pod keeps its status',
    pod: withDeletion(
      pod({
        name: 'p34',
        phase: 'Succeeded',
        containerStatuses: [terminated('app', { reason: 'Completed', exitCode: 0 })],
      }),
      at(30)
    ),
    want: 'Completed',
  },
  {
    name: 'a failed pod whose container status is unknown (kubernetes#105467)',
    pod: {
      name: 'p35',
      phase: 'Failed',
      reason: 'Evicted',
      containerStatuses: [terminated('app', { reason: 'ContainerStatusUnknown', exitCode: 137 })],
    },
    want: 'ContainerStatusUnknown',
  },
  {
    name: 'lastState does not matter',
    pod: {
      name: 'p36',
      containerStatuses: [running('app', { last: { terminated: exit({ reason: 'OOMKilled', exitCode: 137 }) } })],
    },
    want: 'Running',
  },
];

describe('kubectlStatus', () => {
  for (const row of rows) {
    it(row.name, () => {
      const obj = 'apiVersion' in row.pod ? row.pod : pod(row.pod as PodOpts);
      assert.equal(kubectlStatus(toPodInput(obj)), row.want);
    });
  }
});
