import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../domain/config';
import { parsePayloadKeyring } from '../domain/payload-keyring';
import { AesGcmPayloadCodec } from './payload-codec';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
}

/** For `bundleWorkflowCode` (which loads it into the workflow sandbox) and every data converter. */
export const FAILURE_CONVERTER_PATH = require.resolve('./temporal-failure-converter');

export type PayloadKeyConfig = Pick<Config, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_ID'>;

/**
 * The one data converter of every Ringline client, worker and replayer: payloads sealed with the
 * configured keys, failure texts moved into payloads (lib/temporal-failure-converter.ts). A worker
 * started from a prebuilt bundle needs FAILURE_CONVERTER_PATH in `bundleWorkflowCode` too.
 */
export function ringlineDataConverter(config: PayloadKeyConfig): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(parsePayloadKeyring(config.PAYLOAD_KEYS, config.PAYLOAD_KEY_ID))],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

export async function connectTemporalClient(config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'> & PayloadKeyConfig): Promise<TemporalHandle> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return { connection, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: ringlineDataConverter(config) }) };
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
