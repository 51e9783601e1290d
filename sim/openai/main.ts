import { runSimulator } from '../shared/run-simulator';
import { simulatorOptionsFromEnv } from './env-options';
import { createOpenAiSimulator } from './simulator';

/** `node --import tsx sim/openai/main.ts`: the OpenAI simulator as a process, configured by the environment. */
runSimulator('openai-sim', simulatorOptionsFromEnv, createOpenAiSimulator);
