import { Client, Connection } from '@temporalio/client';
import type { Config } from '../domain/config';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
}

export async function connectTemporalClient(config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>): Promise<TemporalHandle> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return { connection, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }) };
}

/** True when the frontend answers its gRPC health check within the deadline. */
export async function pingTemporal(connection: Connection, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await connection.withDeadline(Date.now() + timeoutMs, () => connection.healthService.check({}));
    return response.status === 1;
  } catch {
    return false;
  }
}
