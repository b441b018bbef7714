/**
 * Where a cold page load's time goes before the first prompt: one load of the built site in a fresh
 * context under Chromium's tracing, then, per thread (the page's main thread and every Worker), the
 * busy time before `dockyard:terminal-interactive` split by what ran (script evaluation and compile,
 * style and layout, paint, parsing, garbage collection, wasm compiles) and the longest tasks with
 * the script each one ran. Prints tables; `--json FILE` also keeps the raw trace for DevTools.
 *
 *   npx tsx bench/page-trace.ts [--no-build] [--runs N] [--json trace.json]
 */
import { launchChromium, QUIET_BROWSER_WINDOW, serveSite } from './support.ts';
import { writeFileSync } from 'node:fs';

const PORT = Number(process.env.DOCKYARD_BENCH_PORT ?? 4198);
const OUT = 'node_modules/.cache/dockyard-trace-dist';
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 3);

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown>; beginData?: Record<string, unknown> };
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
  'loading',
  'v8',
  'v8.wasm',
  'disabled-by-default-v8.compile',
  'toplevel',
  'blink',
  'disabled-by-default-v8.cpu_profiler',
].join(',');

/** What a trace event's time counts as; events of other names are counted inside their parent. */
function kindOf(e: TraceEvent): string | null {
  switch (e.name) {
    case 'EvaluateScript':
    case 'v8.evaluateModule':
      return 'script: evaluate (top level)';
    case 'v8.compile':
    case 'v8.compileModule':
    case 'V8.CompileCode':
    case 'v8.parseOnBackground':
      return 'script: compile';
    case 'FunctionCall':
    case 'TimerFire':
    case 'FireAnimationFrame':
    case 'EventDispatch':
    case 'v8.callFunction':
    case 'RunMicrotasks':
    case 'FireIdleCallback':
      return 'script: run';
    case 'UpdateLayoutTree':
    case 'ParseAuthorStyleSheet':
    case 'RecalculateStyles':
      return 'style';
    case 'Layout':
      return 'layout';
    case 'Paint':
    case 'PrePaint':
    case 'Layerize':
    case 'UpdateLayer':
    case 'Commit':
      return 'paint';
    case 'ParseHTML':
      return 'parse HTML';
    case 'MinorGC':
    case 'MajorGC':
    case 'V8.GCScavenger':
    case 'V8.GCFinalizeMC':
      return 'gc';
    case 'wasm.CompileLazy':
    case 'wasm.SyncCompile':
    case 'wasm.AsyncCompile':
    case 'wasm.FinishAsyncCompile':
    case 'v8.wasm.compiledModule':
    case 'wasm.BaselineFinished':
      return 'wasm compile';
    default:
      return null;
  }
}

/** Self time per function (name and script) on one thread between `from` and `to`, from the CPU profile samples. */
function profile(events: TraceEvent[], pid: number, tid: number, from: number, to: number): Map<string, number> {
  const self = new Map<string, number>();
  // A thread's samples come in chunks from a sampler thread, tied to the thread's Profile by id.
  const idOf = (e: TraceEvent) => (e as unknown as { id: string }).id;
  const starts = new Map<string, number>();
  for (const e of events) if (e.pid === pid && e.tid === tid && e.name === 'Profile') starts.set(idOf(e), (e.args?.data as { startTime: number }).startTime);
  const chunks = events.filter((e) => e.pid === pid && e.name === 'ProfileChunk' && starts.has(idOf(e)));
  const nodes = new Map<number, string>();
  const clock = new Map<string, number>();
  for (const c of chunks) {
    const id = idOf(c);
    const data = c.args?.data as { cpuProfile?: { nodes?: Array<{ id: number; callFrame: { functionName: string; url?: string; lineNumber?: number } }>; samples?: number[] }; timeDeltas?: number[] };
    for (const n of data.cpuProfile?.nodes ?? []) {
      const url = (n.callFrame.url ?? '').replace(/^https?:\/\/[^/]+\/assets\//, '');
      nodes.set(n.id, `${n.callFrame.functionName || '(anonymous)'} ${url}${url ? `:${n.callFrame.lineNumber ?? ''}` : ''}`.trim());
    }
    let t = clock.get(id) ?? starts.get(id) ?? 0;
    const samples = data.cpuProfile?.samples ?? [];
    const deltas = data.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const dt = deltas[i] ?? 0;
      t += dt;
      const next = deltas[i + 1] ?? 0;
      if (t >= from && t <= to) {
        const name = nodes.get(samples[i]) ?? '?';
        self.set(name, (self.get(name) ?? 0) + next);
      }
    }
    clock.set(id, t);
  }
  return self;
}

function analyse(events: TraceEvent[], interactiveAt: number): void {
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const mark = (name: string) => events.find((e) => e.cat.includes('blink.user_timing') && e.name === name);
  const interactive = mark('dockyard:terminal-interactive');
  if (!interactive) {
    console.log('no interactive mark in the trace');
    return;
  }
  const renderer = interactive.pid;
  // The page's time origin on the trace's clock: the mark's trace time less its performance.now().
  const t0 = interactive.ts - interactiveAt * 1000;
  const end = interactive.ts;
  const ms = (us: number) => (us / 1000).toFixed(1);
  console.log(`\nfirst prompt at ${ms(end - t0)} ms after navigation start (renderer pid ${renderer})`);

  const marks = events.filter((e) => e.pid === renderer && (e.cat.includes('blink.user_timing') || ['firstContentfulPaint', 'firstPaint', 'domContentLoadedEventEnd', 'loadEventEnd'].includes(e.name)) && e.ph !== 'M');
  const seen = new Set<string>();
  console.log('\n| mark | at (ms) |\n|---|---|');
  for (const m of marks.sort((a, b) => a.ts - b.ts)) {
    if (seen.has(m.name) || m.ts < t0) continue;
    seen.add(m.name);
    console.log(`| ${m.name} | ${ms(m.ts - t0)} |`);
  }

  // Resources: when each asset was asked for and when it finished, from the network events.
  const sent = new Map<string, { url: string; start: number; end?: number }>();
  for (const e of events) {
    if (e.pid !== renderer) continue;
    const d = e.args?.data as { requestId?: string; url?: string } | undefined;
    if (!d?.requestId) continue;
    if (e.name === 'ResourceSendRequest' && d.url) sent.set(d.requestId, { url: d.url, start: e.ts });
    if (e.name === 'ResourceFinish' && sent.has(d.requestId)) sent.get(d.requestId)!.end = e.ts;
  }
  console.log('\n| resource | requested (ms) | finished (ms) |\n|---|---|---|');
  for (const r of [...sent.values()].sort((a, b) => a.start - b.start)) {
    if (r.start > end) continue;
    console.log(`| ${new URL(r.url).pathname} | ${ms(r.start - t0)} | ${r.end ? ms(r.end - t0) : '-'} |`);
  }

  // Other processes (the browser, the GPU process, Chromium's own pages) share the same cores.
  const procNames = new Map<number, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'process_name') procNames.set(e.pid, e.args?.name ?? '?');
  const procBusy = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined || e.name !== 'ThreadControllerImpl::RunTask' || e.ts > end || e.ts + e.dur < t0) continue;
    const key = `${procNames.get(e.pid) ?? e.pid}${e.pid === renderer ? ' (the page)' : ''} pid ${e.pid}`;
    procBusy.set(key, (procBusy.get(key) ?? 0) + Math.min(e.ts + e.dur, end) - Math.max(e.ts, t0));
  }
  console.log('\n| process: task time before the first prompt (all threads) | ms |\n|---|---|');
  for (const [k, v] of [...procBusy].sort((a, b) => b[1] - a[1])) if (v > 5000) console.log(`| ${k} | ${ms(v)} |`);

  // Per thread of the renderer: busy time before the first prompt by kind (self time, so nested
  // events are not counted twice), and its longest top-level tasks.
  const byThread = new Map<number, TraceEvent[]>();
  for (const e of events) {
    if (e.pid !== renderer || e.ph !== 'X' || e.dur === undefined) continue;
    if (e.ts + e.dur < t0 || e.ts > end) continue;
    (byThread.get(e.tid) ?? byThread.set(e.tid, []).get(e.tid)!).push(e);
  }
  for (const [tid, list] of byThread) {
    const name = threadNames.get(`${renderer}:${tid}`) ?? String(tid);
    if (!/CrRendererMain|Worker|Compositor/.test(name)) continue;
    // Outermost tasks only (a task is traced under two names, one inside the other).
    const all = list.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const tasks: TraceEvent[] = [];
    for (const e of all) if (!tasks.length || e.ts >= tasks[tasks.length - 1].ts + tasks[tasks.length - 1].dur!) tasks.push(e);
    const busy = tasks.reduce((s, e) => s + Math.min(e.ts + e.dur!, end) - Math.max(e.ts, t0), 0);
    if (busy < 5000) continue;
    // Self time per kind: walk events sorted by start, keeping a stack of open ones.
    const kinds = new Map<string, number>();
    const sorted = list.filter((e) => kindOf(e)).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const stack: Array<{ e: TraceEvent; child: number }> = [];
    const close = (upTo: number) => {
      while (stack.length && stack[stack.length - 1].e.ts + stack[stack.length - 1].e.dur! <= upTo) {
        const top = stack.pop()!;
        const self = Math.min(top.e.ts + top.e.dur!, end) - Math.max(top.e.ts, t0) - top.child;
        kinds.set(kindOf(top.e)!, (kinds.get(kindOf(top.e)!) ?? 0) + self);
        if (stack.length) stack[stack.length - 1].child += Math.min(top.e.ts + top.e.dur!, end) - Math.max(top.e.ts, t0);
      }
    };
    for (const e of sorted) {
      close(e.ts);
      stack.push({ e, child: 0 });
    }
    close(Infinity);
    console.log(`\n## ${name} (tid ${tid}): busy ${ms(busy)} ms of ${ms(end - t0)} before the first prompt\n`);
    console.log('| kind (self time) | ms |\n|---|---|');
    for (const [k, v] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`| ${k} | ${ms(v)} |`);
    console.log(`| other (inside tasks) | ${ms(busy - [...kinds.values()].reduce((s, v) => s + v, 0))} |`);
    console.log('\n| longest tasks: start (ms) | dur (ms) | what ran |\n|---|---|---|');
    for (const task of [...tasks].sort((a, b) => b.dur! - a.dur!).slice(0, 10).sort((a, b) => a.ts - b.ts)) {
      const inner = list
        .filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur! && kindOf(e) && e.dur! > 2000)
        .sort((a, b) => b.dur! - a.dur!)
        .slice(0, 4)
        .map((e) => {
          const d = (e.args?.data ?? e.args?.beginData ?? {}) as { url?: string; functionName?: string; fileName?: string };
          const where = d.url || d.fileName || d.functionName || '';
          return `${e.name}${where ? ` ${where.replace(/^https?:\/\/[^/]+/, '')}` : ''} ${ms(e.dur!)}`;
        });
      console.log(`| ${ms(task.ts - t0)} | ${ms(task.dur!)} | ${inner.join('; ')} |`);
    }
    const fns = profile(events, renderer, tid, t0, end);
    console.log('\n| functions, self time (CPU profile samples) | ms |\n|---|---|');
    for (const [f, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`| ${f} | ${ms(v)} |`);
  }
}

async function main(): Promise<void> {
  const site = await serveSite(OUT, PORT);
  const browser = await launchChromium(process.argv.includes('--with-omnibox-webui') ? [] : QUIET_BROWSER_WINDOW);
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await browser.startTracing(page, { categories: CATEGORIES.split(',') });
      await page.goto(site.url);
      await page.waitForFunction(() => performance.getEntriesByName('dockyard:terminal-interactive').length > 0, null, { timeout: 30_000 });
      await page.waitForSelector('[data-testid="engine-indicator"]:not(.connecting)', { timeout: 30_000 });
      const at = await page.evaluate(() => performance.getEntriesByName('dockyard:terminal-interactive')[0].startTime);
      const buffer = await browser.stopTracing();
      await context.close();
      const trace = JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] };
      if (arg('--json')) writeFileSync(`${arg('--json')!.replace(/\.json$/, '')}-${run}.json`, buffer);
      console.log(`\n# load ${run + 1} of ${RUNS}`);
      analyse(trace.traceEvents, at);
    }
  } finally {
    await browser.close();
    site.stop();
  }
}

await main();
