/**
 * The host shell's `curl` and `wget`: requests from the page to http://localhost:PORT/..., which
 * reach a published port the way a preview does (web/sw/preview-fetch.ts). Flags, output and exit
 * codes are curl's (curl 7/8) and BusyBox wget's, for the subset the playground offers; the
 * playground has no outside network, so any other host is curl's "Could not resolve host".
 */
import type { PortFetch, PortFetchFailure, PortReply } from '../sw/preview-fetch.ts';
import { parseLocalUrl } from '../sw/preview-url.ts';
import type { CommandIO } from './host-shell.ts';

/** What the commands need of the shell around them: the fetch, and files (paths as typed) for `-d @file` and `wget -O file`. */
export interface HttpCommandHost {
  fetchPort: PortFetch;
  readFile(path: string): Uint8Array;
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
}

const encoder = new TextEncoder();

/** curl's exit codes for the ways the preview path fails. */
function curlError(f: PortFetchFailure, hostPort: number, host: string): [number, string] {
  switch (f.kind) {
    case 'timeout':
      return [28, 'Operation timed out after 30000 milliseconds with 0 bytes received'];
    case 'reset':
      return [56, 'Recv failure: Connection reset by peer'];
    case 'bad-answer':
      return /without answering/.test(f.message) ? [52, 'Empty reply from server'] : [8, 'Weird server reply'];
    case 'no-service-worker':
      return [7, `Failed to connect to ${host} port ${hostPort}: ${f.message}`];
    default:
      return [7, `Failed to connect to ${host} port ${hostPort} after 0 ms: Couldn't connect to server`];
  }
}

interface CurlOptions {
  url?: string;
  method?: string;
  data: string[];
  headers: [string, string][];
  include: boolean;
  head: boolean;
  silent: boolean;
  showError: boolean;
  fail: boolean;
}

const CURL_USAGE = "curl: try 'curl --help' or 'curl --manual' for more information\n";

function parseCurl(args: string[]): CurlOptions | string {
  const o: CurlOptions = { data: [], headers: [], include: false, head: false, silent: false, showError: false, fail: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (flag: string) => {
      if (i + 1 >= args.length) throw `curl: option ${flag}: requires parameter\n${CURL_USAGE}`;
      return args[++i];
    };
    if (arg.startsWith('--')) {
      switch (arg) {
        case '--include': o.include = true; break;
        case '--head': o.head = true; break;
        case '--silent': o.silent = true; break;
        case '--show-error': o.showError = true; break;
        case '--fail': o.fail = true; break;
        case '--request': o.method = value(arg); break;
        case '--data': case '--data-raw': case '--data-binary': o.data.push(value(arg)); break;
        case '--header': o.headers.push(header(value(arg))); break;
        case '--url': o.url = value(arg); break;
        default: return `curl: option ${arg}: is unknown\n${CURL_USAGE}`;
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      // Short flags combine (-si); one that takes a value takes the rest of the word or the next.
      for (let j = 1; j < arg.length; j++) {
        const flag = arg[j];
        const takes = 'XdH'.includes(flag);
        const v = takes ? (j + 1 < arg.length ? arg.slice(j + 1) : value(`-${flag}`)) : '';
        if (flag === 'i') o.include = true;
        else if (flag === 'I') o.head = true;
        else if (flag === 's') o.silent = true;
        else if (flag === 'S') o.showError = true;
        else if (flag === 'f') o.fail = true;
        else if (flag === 'X') o.method = v;
        else if (flag === 'd') o.data.push(v);
        else if (flag === 'H') o.headers.push(header(v));
        else return `curl: option -${flag}: is unknown\n${CURL_USAGE}`;
        if (takes) break;
      }
    } else if (o.url === undefined) o.url = arg;
    else return `curl: only one URL at a time here: ${arg}\n`;
  }
  return o;
}

function header(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw `curl: header "${line}" has no colon\n`;
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

/** `curl [-i] [-I] [-s] [-S] [-f] [-X METHOD] [-d DATA|@file] [-H 'Name: value'] URL` */
export async function curl(args: string[], io: CommandIO, host: HttpCommandHost): Promise<number> {
  let o: CurlOptions | string;
  try {
    o = parseCurl(args);
  } catch (message) {
    io.stderr(String(message));
    return 2;
  }
  if (typeof o === 'string') {
    io.stderr(o);
    return 2;
  }
  if (o.url === undefined) {
    io.stderr(`curl: no URL specified\n${CURL_USAGE}`);
    return 2;
  }
  const say = (code: number, message: string) => {
    if (!o.silent || o.showError) io.stderr(`curl: (${code}) ${message}\n`);
    return code;
  };
  const url = parseLocalUrl(o.url);
  if ('error' in url) return say(url.error.startsWith('Could not resolve') ? 6 : url.error.startsWith('Protocol') ? 1 : 3, url.error);
  let body: Uint8Array | null = null;
  if (o.data.length > 0) {
    // -d @file reads the file with its line breaks removed, as curl does; several -d join with &.
    const parts: string[] = [];
    for (const d of o.data) {
      if (!d.startsWith('@')) parts.push(d);
      else {
        try {
          parts.push(new TextDecoder().decode(host.readFile(d.slice(1))).replace(/[\r\n]/g, ''));
        } catch {
          io.stderr(`Warning: Couldn't read data from file "${d.slice(1)}", this makes an empty POST.\n`);
        }
      }
    }
    body = encoder.encode(parts.join('&'));
  }
  const method = o.method ?? (o.head ? 'HEAD' : body ? 'POST' : 'GET');
  const headers: [string, string][] = [['Accept', '*/*']];
  if (body && !o.headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  headers.push(...o.headers);
  const hostName = new URL(/^[a-z]+:\/\//i.test(o.url) ? o.url : `http://${o.url}`).hostname;
  let reply: PortReply | PortFetchFailure;
  try {
    reply = await host.fetchPort(url.hostPort, { method, target: url.target, headers, body, signal: io.signal });
  } catch (e) {
    if (io.signal.aborted) return 130;
    return say(3, e instanceof Error ? e.message : String(e));
  }
  if ('kind' in reply) return say(...curlError(reply, url.hostPort, hostName));
  if (o.fail && reply.status >= 400) {
    await reply.body?.cancel();
    return say(22, `The requested URL returned error: ${reply.status}`);
  }
  if (o.include || o.head) io.stdout(headText(reply));
  return (await copyBody(reply, io.stdout, io.signal)) ? 0 : say(56, 'Recv failure: Connection reset by peer');
}

function headText(reply: PortReply): string {
  return `HTTP/1.1 ${reply.status}${reply.statusText ? ' ' + reply.statusText : ''}\r\n${reply.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
}

/** Pass the body on as it arrives; false when the connection broke midway. */
async function copyBody(reply: PortReply, out: (chunk: Uint8Array) => void, signal: AbortSignal): Promise<boolean> {
  if (!reply.body) return true;
  const reader = reply.body.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) out(r.value);
    return true;
  } catch {
    return signal.aborted;
  } finally {
    reader.releaseLock();
  }
}

/** `wget [-q] [-O FILE|-] URL`, as BusyBox's wget (the one in most small images). */
export async function wget(args: string[], io: CommandIO, host: HttpCommandHost): Promise<number> {
  let quiet = false;
  let output: string | undefined;
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-q') quiet = true;
    else if (arg === '-O' || arg === '-qO') {
      quiet ||= arg === '-qO';
      if (i + 1 >= args.length) return usage(io, `option requires an argument -- 'O'`);
      output = args[++i];
    } else if (/^-q?O/.test(arg)) {
      quiet ||= arg.startsWith('-q');
      output = arg.slice(arg.indexOf('O') + 1);
    } else if (arg.startsWith('-') && arg !== '-') return usage(io, `unrecognized option '${arg}'`);
    else url = arg;
  }
  if (url === undefined) return usage(io, '');
  const target = parseLocalUrl(url);
  if ('error' in target) {
    io.stderr(target.error.startsWith('Could not resolve') ? `wget: bad address '${target.error.split(' ')[4]}'\n` : `wget: not an http or ftp url: ${url}\n`);
    return 1;
  }
  const toStdout = output === '-';
  const file = output ?? (target.target.split('?')[0].split('/').pop() || 'index.html');
  if (!quiet) io.stderr(`Connecting to localhost:${target.hostPort} (127.0.0.1:${target.hostPort})\n`);
  let reply: PortReply | PortFetchFailure;
  try {
    reply = await host.fetchPort(target.hostPort, { method: 'GET', target: target.target, headers: [['Accept', '*/*']], body: null, signal: io.signal });
  } catch (e) {
    if (io.signal.aborted) return 130;
    io.stderr(`wget: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  if ('kind' in reply) {
    io.stderr(reply.kind === 'timeout' ? 'wget: download timed out\n' : reply.kind === 'reset' || reply.kind === 'bad-answer' ? 'wget: error getting response: Connection reset by peer\n' : `wget: can't connect to remote host (127.0.0.1): Connection refused\n`);
    return 1;
  }
  if (reply.status >= 400 || (reply.status >= 300 && reply.status < 400)) {
    await reply.body?.cancel();
    io.stderr(`wget: server returned error: HTTP/1.1 ${reply.status} ${reply.statusText}\n`);
    return 1;
  }
  if (!quiet) io.stderr(toStdout ? 'writing to stdout\n' : `saving to '${file}'\n`);
  const chunks: Uint8Array[] = [];
  const ok = await copyBody(reply, toStdout ? (c) => io.stdout(c) : (c) => chunks.push(c.slice()), io.signal);
  if (!ok) {
    io.stderr('wget: error getting response: Connection reset by peer\n');
    return 1;
  }
  if (!toStdout) {
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    try {
      await host.writeFile(file, bytes);
    } catch (e) {
      io.stderr(`wget: can't open '${file}': ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }
  if (!quiet) io.stderr(toStdout ? 'written to stdout\n' : `'${file}' saved\n`);
  return 0;
}

function usage(io: CommandIO, problem: string): number {
  io.stderr(`${problem ? `wget: ${problem}\n` : ''}BusyBox wget: usage: wget [-q] [-O FILE|-] URL\n`);
  return 1;
}
