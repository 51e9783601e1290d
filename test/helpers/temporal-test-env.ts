import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { ringlineDataConverter } from '../../lib/temporal-connection';
import { testInfra } from './test-infra';

let runtimeInstalled = false;

/** Ringline's data converter with the run's payload keys: for every test worker, client and replayer. */
export function testDataConverter(): DataConverter {
  return ringlineDataConverter({ PAYLOAD_KEYS: testInfra().payloadKeys });
}

/** Clients and worker connections to the dev server that jest's global setup started. */
export async function connectToTestTemporal(): Promise<{
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  dataConverter: DataConverter;
  close: () => Promise<void>;
}> {
  if (!runtimeInstalled) {
    // Worker chatter drowns test output; warnings and errors still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const { temporalAddress, namespace } = testInfra();
  const dataConverter = testDataConverter();
  const connection = await Connection.connect({ address: temporalAddress });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  return {
    client: new Client({ connection, namespace, dataConverter }),
    connection,
    nativeConnection,
    dataConverter,
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

let counter = 0;

/** A task queue (and id prefix) of its own per test, so tests never steal each other's tasks. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
