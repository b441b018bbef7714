import { describe, expect, it } from 'vitest';
import { checkToken, connectLink, normalizeKernelUrl, parseConnectFragment } from '../../../web/Connect/connect-link.ts';

const TOKEN = 'ab'.repeat(32);

describe('the connect link the kernel service prints', () => {
  it('round-trips: the link the banner prints is read back by the page', () => {
    const link = connectLink('http://localhost:5173/', { url: 'http://127.0.0.1:2377', token: TOKEN });
    expect(link).toBe(`http://localhost:5173/#connect=http://127.0.0.1:2377&token=${TOKEN}`);
    expect(parseConnectFragment(new URL(link).hash)).toEqual({ url: 'http://127.0.0.1:2377', token: TOKEN });
  });

  it('ignores the playground\'s own deep links and incomplete fragments', () => {
    expect(parseConnectFragment('#/images/box:latest')).toBeNull();
    expect(parseConnectFragment('')).toBeNull();
    expect(parseConnectFragment('#connect=http://127.0.0.1:2377')).toBeNull();
    expect(parseConnectFragment(`#token=${TOKEN}`)).toBeNull();
  });

  it('refuses hostile addresses and tokens in a link instead of connecting', () => {
    expect(parseConnectFragment(`#connect=javascript:alert(1)&token=${TOKEN}`)).toBeNull();
    expect(parseConnectFragment(`#connect=http://user:pw@127.0.0.1:2377&token=${TOKEN}`)).toBeNull();
    expect(parseConnectFragment(`#connect=http://127.0.0.1:2377/v1.50/containers&token=${TOKEN}`)).toBeNull();
    expect(parseConnectFragment('#connect=http://127.0.0.1:2377&token=a%0d%0aX-Injected:%201')).toBeNull();
    expect(parseConnectFragment('#connect=http://127.0.0.1:2377&token=a,dockyard.attach.v1')).toBeNull();
  });

  it('normalises what a learner types, with messages that say what to fix', () => {
    expect(normalizeKernelUrl(' http://127.0.0.1:2377/ ')).toBe('http://127.0.0.1:2377');
    expect(() => normalizeKernelUrl('127.0.0.1 2377')).toThrow(/is not a URL/);
    expect(() => normalizeKernelUrl('ws://127.0.0.1:2377')).toThrow(/speaks http/);
    expect(() => checkToken('  ')).toThrow(/token is missing/);
    expect(checkToken(` ${TOKEN}\n`)).toBe(TOKEN);
  });
});
