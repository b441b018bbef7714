import { runtimeSuite } from './runtime-suite.ts';

runtimeSuite(false);
