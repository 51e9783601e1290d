import { Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, with Node's default process metrics. */
export function createMetricsRegistry(processName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: registry });
  return registry;
}
