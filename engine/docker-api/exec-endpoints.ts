/** `docker exec`: create and inspect (the start is an attached stream: attach-endpoints.ts). */
import { execCreate, jsonBody } from './bodies.ts';
import { rememberExec } from './attach-endpoints.ts';
import { intParam } from './query.ts';
import type { RouteContext } from './route-context.ts';

export async function create({ engine, reply, request, params, state }: RouteContext): Promise<void> {
  const options = execCreate(await jsonBody(request));
  const created = await engine.createExec(params[0], options);
  rememberExec(state, created.Id, { AttachStdin: options.AttachStdin, AttachStdout: options.AttachStdout, AttachStderr: options.AttachStderr });
  await reply.json(201, created);
}

export async function inspect({ engine, reply, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.inspectExec(params[0]));
}

/** `POST /exec/{id}/resize?h=&w=`: docker sends one after starting an exec with -t, and on every window change. */
export async function resize({ engine, reply, params, request }: RouteContext): Promise<void> {
  await engine.resizeExec(params[0], intParam(request.query, 'h') ?? 0, intParam(request.query, 'w') ?? 0);
  reply.empty(200);
}
