import { getConfigOrExit } from '../lib/config';
import { createCodecServer } from '../lib/codec-server';
import { createLogger } from '../lib/logger';
import { ringlineDataConverter } from '../lib/temporal-connection';

function main(): void {
  const config = getConfigOrExit();
  const logger = createLogger('codec-server', { level: config.LOG_LEVEL });
  if (!config.CODEC_SERVER_TOKEN) {
    logger.fatal('CODEC_SERVER_TOKEN is not set: the codec server would open every payload to anyone who reaches it');
    process.exit(1);
  }
  const [codec] = ringlineDataConverter(config).payloadCodecs ?? [];
  const app = createCodecServer({ codec, token: config.CODEC_SERVER_TOKEN, allowedOrigins: config.CODEC_SERVER_CORS_ORIGINS, logger });
  const server = app.listen(config.CODEC_SERVER_PORT, config.CODEC_SERVER_HOST, () => {
    logger.info({ url: `http://${config.CODEC_SERVER_HOST}:${config.CODEC_SERVER_PORT}`, origins: config.CODEC_SERVER_CORS_ORIGINS }, 'codec server listening');
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'codec server shutting down');
    server.close(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main();
