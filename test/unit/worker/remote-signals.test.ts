import { afterEach, describe, expect, it } from 'vitest';
import { RemoteSignals, type RemoteSignal } from '../../../worker/runtime/remote-signals.ts';

// Two tabs on one store, as two RemoteSignals on one BroadcastChannel name (Node has BroadcastChannel).
const open: RemoteSignals[] = [];
afterEach(() => open.splice(0).forEach((r) => r.close()));

function tab(store: string, runs: string[], got: string[] = []): RemoteSignals {
  const r = new RemoteSignals(store, (key: string, signal: RemoteSignal) => {
    if (!runs.includes(key)) return false;
    got.push(`${key} ${signal}`);
    return true;
  });
  open.push(r);
  return r;
}

describe('signals between tabs', () => {
  it('the tab that runs a container takes the signal and says so; the others stay quiet', async () => {
    const got: string[] = [];
    const asker = tab('s1', []);
    tab('s1', ['web'], got);
    tab('s1', ['db']);
    expect(await asker.send('web', 'SIGTERM')).toBe(true);
    expect(got).toEqual(['web SIGTERM']);
  });

  it('no tab runs it: false after the wait, nothing delivered', async () => {
    const got: string[] = [];
    const asker = tab('s2', []);
    tab('s2', ['other'], got);
    expect(await asker.send('gone', 'SIGKILL', 200)).toBe(false);
    expect(got).toEqual([]);
  });

  it('a tab on another store does not take it', async () => {
    const got: string[] = [];
    const asker = tab('s3', []);
    tab('s4', ['web'], got);
    expect(await asker.send('web', 'SIGKILL', 200)).toBe(false);
    expect(got).toEqual([]);
  });
});
