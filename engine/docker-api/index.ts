/** The Docker Engine API, both directions: the handler a host serves, and the client the playground drives. */
export { createDockerApiHandler, type DockerApiOptions } from './server.ts';
export type { ApiRequest, ApiResponse, Connection, DockerApiHandler, MessageSocket } from './transport.ts';
export { rawExchange } from './raw-exchange.ts';
export { DockerApiEngine, type DockerApiEngineOptions, type WebSocketConstructor, type WebSocketLike } from './client.ts';
export { ATTACH_WS_PROTOCOL, TOKEN_HEADER, TOKEN_PROTOCOL_PREFIX, requestToken } from './ws-protocol.ts';
export { errorCodeForStatus } from './error-status.ts';
