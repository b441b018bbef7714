import type { Engine, ExecCreate } from '../engine.ts';
import type { Reply } from './replies.ts';
import type { ApiRequest } from './transport.ts';

/** What a route's handler gets: the engine, the request, path parameters (decoded) and the reply. */
export interface RouteContext {
  engine: Engine;
  request: ApiRequest;
  reply: Reply;
  params: string[];
  state: HandlerState;
}

/** State one handler keeps between requests. */
export interface HandlerState {
  /**
   * The streams an exec was created to attach (Docker keeps them in the exec's config; the Engine's
   * ExecInspect does not carry them), read when the exec is started over a hijacked connection.
   */
  execStreams: Map<string, Pick<ExecCreate, 'AttachStdin' | 'AttachStdout' | 'AttachStderr'>>;
}

export type RouteHandler = (cx: RouteContext) => Promise<void>;
