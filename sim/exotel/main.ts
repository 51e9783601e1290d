import { createLogger } from '../../lib/logger';
import { simulatorOptionsFromEnv } from './env-options';
import { createExotelSimulator } from './simulator';

/** `node --import tsx sim/exotel/main.ts`: the Exotel simulator as a process, configured by the environment. */
async function main(): Promise<void> {
  const logger = createLogger('exotel-sim');
  const { port, options } = simulatorOptionsFromEnv(process.env);
  const simulator = createExotelSimulator({ ...options, logger });
  await simulator.start(port);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    simulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  createLogger('exotel-sim').fatal({ err }, 'Exotel simulator failed to start');
  process.exit(1);
});
