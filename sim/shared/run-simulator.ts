import { createLogger } from '../../lib/logger';

interface Startable {
  start(port?: number): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * The body of every simulator's `main.ts`: build it from the environment, listen, and stop cleanly on
 * SIGINT/SIGTERM (the local stack's runner relies on a clean exit).
 */
export function runSimulator<O>(
  name: string,
  fromEnv: (env: NodeJS.ProcessEnv) => { port: number; options: O },
  create: (options: O & { logger: ReturnType<typeof createLogger> }) => Startable,
): void {
  const logger = createLogger(name);
  const main = async () => {
    const { port, options } = fromEnv(process.env);
    const simulator = create({ ...options, logger });
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
  };
  main().catch((err: unknown) => {
    logger.fatal({ err }, `${name} failed to start`);
    process.exit(1);
  });
}
