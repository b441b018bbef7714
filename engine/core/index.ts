export { createEngine, type EngineOptions } from './create-engine.ts';
export { humanDuration, statusText } from './container-status.ts';
export { EMPTY_LAYER } from './container-commit.ts';
