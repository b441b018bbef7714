import { afterAll, beforeEach, describe } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

const seconds = () => (Date.now() / 1000).toFixed(3);
const FORMAT = '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}';

describe('events', () => {
  oracleIt('--since and --until replay what happened, attach included', async () => {
    const since = seconds();
    await o.same(['run', '--name', 'evented', 'box', 'echo', 'hi']);
    await o.same(['create', '--name', 'quiet', 'box']);
    // One name per rm: docker's CLI removes several at once, in no fixed order.
    await o.same(['rm', 'evented']);
    await o.same(['rm', 'quiet']);
    const until = seconds();
    await o.same(['events', '--since', since, '--until', until, '--filter', 'type=container', '--format', FORMAT]);
    await o.same(['events', '--since', since, '--until', until, '--filter', 'event=destroy', '--format', FORMAT]);
    await o.same(['events', '--since', since, '--until', until, '--filter', 'container=quiet', '--format', FORMAT]);
  });
});
