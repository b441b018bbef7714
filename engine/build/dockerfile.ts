import { evaluateDockerfile, type EvaluateOptions } from './build-args.ts';
import { parseDockerfileSyntax } from './dockerfile-parser.ts';
import type { Dockerfile } from './dockerfile-types.ts';

export type * from './dockerfile-types.ts';
export { parseDockerfileSyntax } from './dockerfile-parser.ts';
export { evaluateDockerfile, RunArgScope, DEFAULT_PLATFORM, type EvaluateOptions } from './build-args.ts';
export { expandWord, expandWords } from './variable-expansion.ts';

/**
 * Parses a Dockerfile and evaluates it as Docker would before building: build args applied,
 * variables expanded in the instructions Docker expands (never in RUN/CMD/ENTRYPOINT, which the
 * shell expands). `raw` holds the unexpanded parse. Every error is an EngineError with code
 * 'invalid-argument' and a message naming the line: "dockerfile parse error on line 7: ...".
 */
export function parseDockerfile(text: string, options: EvaluateOptions = {}): Dockerfile {
  const raw = parseDockerfileSyntax(text);
  return { ...evaluateDockerfile(raw, options), raw };
}
