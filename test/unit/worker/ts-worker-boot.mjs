// A Node worker thread that runs a TypeScript module (workerData.module, a file URL) through tsx,
// as the test that starts it runs: test/unit/worker/socket-channel.test.ts's guest.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
