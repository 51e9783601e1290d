import { runSimulator } from '../shared/run-simulator';
import { simulatorOptionsFromEnv } from './env-options';
import { createExotelSimulator } from './simulator';

/** `node --import tsx sim/exotel/main.ts`: the Exotel simulator as a process, configured by the environment. */
runSimulator('exotel-sim', simulatorOptionsFromEnv, createExotelSimulator);
