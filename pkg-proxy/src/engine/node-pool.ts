// Which pool a node belongs to, and on what capacity, from the labels the node provisioners put on
// their nodes: Karpenter's, then the managed node groups of EKS, GKE and AKS.

export interface NodePool {
  /** '' when no known label names one. */
  nodepool: string;
  /** `on-demand`, `spot`, … ('' when unknown). */
  capacityType: string;
}

export const NO_POOL: NodePool = Object.freeze({ nodepool: '', capacityType: '' });

type Labels = Readonly<Record<string, string>>;

const KARPENTER_POOL = 'karpenter.sh/nodepool';
const KARPENTER_CAPACITY = 'karpenter.sh/capacity-type';
const EKS_POOL = 'eks.amazonaws.com/nodegroup';
const EKS_CAPACITY = 'eks.amazonaws.com/capacityType';
const GKE_POOL = 'cloud.google.com/gke-nodepool';
const GKE_SPOT = 'cloud.google.com/gke-spot';
const GKE_PREEMPTIBLE = 'cloud.google.com/gke-preemptible';
const AKS_POOL = 'kubernetes.azure.com/agentpool';
const AKS_PRIORITY = 'kubernetes.azure.com/scalesetpriority';

/** EKS writes ON_DEMAND, SPOT, CAPACITY_BLOCK; Karpenter's spelling is on-demand, spot. */
const karpenterSpelling = (value: string) => value.toLowerCase().replaceAll('_', '-');

export function nodePoolOf(labels: Labels): NodePool {
  if (labels[KARPENTER_POOL]) {
    return { nodepool: labels[KARPENTER_POOL], capacityType: labels[KARPENTER_CAPACITY] ?? '' };
  }
  if (labels[EKS_POOL]) {
    return { nodepool: labels[EKS_POOL], capacityType: karpenterSpelling(labels[EKS_CAPACITY] ?? '') };
  }
  // GKE and AKS label only spot (and preemptible) nodes; their other nodes are on-demand.
  if (labels[GKE_POOL]) {
    const spot = labels[GKE_SPOT] === 'true' || labels[GKE_PREEMPTIBLE] === 'true';
    return { nodepool: labels[GKE_POOL], capacityType: spot ? 'spot' : 'on-demand' };
  }
  if (labels[AKS_POOL]) {
    return { nodepool: labels[AKS_POOL], capacityType: labels[AKS_PRIORITY] === 'spot' ? 'spot' : 'on-demand' };
  }
  return NO_POOL;
}
