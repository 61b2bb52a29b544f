import { Category } from '../pkg-proxy/src/contract';

/**
 * A colour per category, from Grafana's named palette (it resolves them for light and dark themes):
 * disruptions from outside the pod warm, the pod's own failures red, healthy green.
 */
export const CATEGORY_COLORS: Record<Category, string> = {
  eviction: 'orange',
  preemption: 'purple',
  node: 'dark-red',
  admission: 'yellow',
  container: 'red',
  scheduling: 'blue',
  deletion: 'light-orange',
  lifecycle: 'light-blue',
  healthy: 'green',
  other: 'text',
};

/** Reasons and groups arrive as strings; one the plugin does not know gets the colour of `other`. */
export function categoryColor(category: string): string {
  return CATEGORY_COLORS[category as Category] ?? CATEGORY_COLORS.other;
}
