import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { testInfra } from './test-infra';

let runtimeInstalled = false;

/** Clients and worker connections to the dev server that jest's global setup started. */
export async function connectToTestTemporal(): Promise<{ client: Client; connection: Connection; nativeConnection: NativeConnection; close: () => Promise<void> }> {
  if (!runtimeInstalled) {
    // Worker chatter drowns test output; warnings and errors still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const { temporalAddress, namespace } = testInfra();
  const connection = await Connection.connect({ address: temporalAddress });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  return {
    client: new Client({ connection, namespace }),
    connection,
    nativeConnection,
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
