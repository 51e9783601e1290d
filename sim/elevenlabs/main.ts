import { runSimulator } from '../shared/run-simulator';
import { simulatorOptionsFromEnv } from './env-options';
import { createElevenLabsSimulator } from './simulator';

/** `node --import tsx sim/elevenlabs/main.ts`: the ElevenLabs simulator as a process, configured by the environment. */
runSimulator('elevenlabs-sim', simulatorOptionsFromEnv, createElevenLabsSimulator);
