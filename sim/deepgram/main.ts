import { runSimulator } from '../shared/run-simulator';
import { simulatorOptionsFromEnv } from './env-options';
import { createDeepgramSimulator } from './simulator';

/** `node --import tsx sim/deepgram/main.ts`: the Deepgram simulator as a process, configured by the environment. */
runSimulator('deepgram-sim', simulatorOptionsFromEnv, createDeepgramSimulator);
