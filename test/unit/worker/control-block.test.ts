/**
 * A container's stdin ring as a terminal reads it (worker/process/control-block.ts): Ctrl-D is end
 * of file for one read, the input goes on after it; closed is end of file for good.
 */
import { describe, expect, it } from 'vitest';
import { closeChannel, controlViews, createControlBlock, ringRead, ringReadTerminal, ringWrite } from '../../../worker/process/control-block.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('stdin ring', () => {
  it('on a terminal, a Ctrl-D ends the read before it and reads as nothing once', () => {
    const control = controlViews(new SharedArrayBuffer(createControlBlock().byteLength));
    ringWrite(control, new TextEncoder().encode('pear\napple\n\x04\x04more\n'));
    expect(text(ringReadTerminal(control, 4096))).toBe('pear\napple\n');
    expect(text(ringReadTerminal(control, 4096))).toBe('');
    expect(text(ringReadTerminal(control, 4096))).toBe('');
    expect(text(ringReadTerminal(control, 2))).toBe('mo');
    expect(text(ringReadTerminal(control, 4096))).toBe('re\n');
    closeChannel(control);
    expect(text(ringReadTerminal(control, 4096))).toBe('');
  });

  it('without a terminal the byte is data like any other', () => {
    const control = controlViews(new SharedArrayBuffer(createControlBlock().byteLength));
    ringWrite(control, new TextEncoder().encode('a\x04b'));
    expect(text(ringRead(control, 4096))).toBe('a\x04b');
  });
});
