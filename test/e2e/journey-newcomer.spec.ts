import { test, expect, type Page } from '@playwright/test';
import { expectOutput, focusTerminal, openPlayground, run, runFresh, screenRows, screenText, terminalSize, typeLine, waitIdle } from './journey-support.ts';

// Issue 20: a newcomer's first minutes, on a fresh browser profile (the first visit's layout, with
// the lesson panel open), in English and Korean, on a laptop, a small laptop and a phone-sized window.
// Saves docs/screens/newcomer-<size>-<lang>.png (the first screen after hello-world) to be looked at.

const SIZES = [
  { name: '1440x900', width: 1440, height: 900, narrow: false, viewsFolded: false },
  { name: '1280x720', width: 1280, height: 720, narrow: false, viewsFolded: true },
  { name: 'narrow', width: 420, height: 860, narrow: true, viewsFolded: true },
] as const;

const TEXT = {
  en: {
    tab: 'Terminal 1',
    banner: 'Docker in your browser.',
    sentence: 'Containers here are WebAssembly programs; images and layers are kept in this browser.',
    start: 'Start with lesson 1: What Docker is',
    connectAbout: 'A kernel service runs them on Linux',
    created: 'Created ~/accapp/Dockerfile and opened it in the editor.',
    help: ["Dockyard's own small shell, not bash", 'no pipes (|), background jobs (&)'],
    exited: 'exited',
    ago: /(second|minute)s? ago$/,
    volume: '1 volume',
  },
  ko: {
    tab: '터미널 1',
    banner: '브라우저 안의 Docker입니다.',
    sentence: '여기의 컨테이너는 WebAssembly 프로그램이고, 이미지와 레이어는 이 브라우저에 저장됩니다.',
    start: '1강부터 시작하기: 도커란 무엇인가',
    connectAbout: '커널 서비스는 컨테이너를 Linux의 runc로',
    created: '~/accapp/Dockerfile 파일을 만들고 편집기에서 열었습니다.',
    help: ['bash가 아닙니다', '파이프(|), 백그라운드 작업(&)'],
    exited: '종료됨',
    ago: /(초|분) 전$/,
    volume: '볼륨 1개',
  },
} as const;

async function noSidewaysScroll(page: Page): Promise<void> {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  expect(scroll).toBeLessThanOrEqual(inner);
}

for (const lang of ['en', 'ko'] as const) {
  for (const size of SIZES) {
    test(`a newcomer's first minutes in ${lang} at ${size.name}`, async ({ browser }) => {
      test.setTimeout(300_000);
      const text = TEXT[lang];
      const context = await browser.newContext({ locale: lang === 'ko' ? 'ko-KR' : 'en-US', viewport: { width: size.width, height: size.height } });
      const page = await context.newPage();
      await openPlayground(page);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);

      // The first screen: the lesson panel is open and offers to start, not to continue.
      await expect(page.getByTestId('tutorial-panel')).toBeVisible({ timeout: 15_000 });
      await expect(page.getByTestId('tutorial-resume')).toHaveText(text.start);
      await expect(page.locator('#term-tab-1')).toContainText(text.tab);
      await expectOutput(page, text.banner);
      // No Browser/Kernel switches before there is a kernel; the connect button says in one line what it is for.
      await expect(page.getByTestId('tab-engine-browser')).toHaveCount(0);
      await expect(page.getByTestId('view-engine-browser')).toHaveCount(0);
      await expect(page.getByTestId('kernel-status')).toHaveAttribute('title', new RegExp(text.connectAbout.replace(/[()|]/g, '\\$&')));
      await noSidewaysScroll(page);

      // The terminal: 80 columns beside the lesson on a laptop; on a phone, the window's width.
      await expect(page.getByTestId('engine-indicator')).toHaveClass(/ready/, { timeout: 30_000 });
      const { cols } = await terminalSize(page);
      if (size.narrow) {
        expect(cols).toBeGreaterThanOrEqual(30);
        expect(cols).toBeLessThan(60);
      } else {
        expect(cols).toBeGreaterThanOrEqual(80);
      }
      await expect(page.getByTestId('views-panel')).toHaveAttribute('data-folded', String(size.viewsFolded));
      // The welcome text is wrapped by words at the terminal's width: its rows, joined by a space,
      // give its sentences back whole (a word cut across two rows would not).
      const welcomeText = async () => (await screenRows(page)).slice(0, 8).map((r) => r.trim()).join(' ').replace(/\s+/g, ' ');
      await expect.poll(welcomeText, { timeout: 10_000 }).toContain(text.sentence);

      await run(page, 'docker run hello-world', 1, 90_000);
      await expectOutput(page, 'Hello from Dockyard!', 1, 60_000);
      await run(page, 'docker ps -a');
      await expectOutput(page, /hello-world .* Exited \(0\)/);
      if (!size.narrow) {
        // hello-world's text and docker ps's table are not cut mid-word.
        // The drawn rows follow the buffer on the next animation frame, so they are polled.
        await expect(async () => {
          const rows = await screenRows(page);
          expect(rows.some((r) => r.includes('You just ran a container. Here is what happened, step by step:'))).toBe(true);
          // docker ps -a is wider than 80 columns on any terminal; at 80 its heading keeps every word whole.
          expect(rows.some((r) => /^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS\b/.test(r))).toBe(true);
        }).toPass({ timeout: 10_000 });
      }
      await page.screenshot({ path: `docs/screens/newcomer-${size.name}-${lang}.png` });

      // A program under -t sees the terminal's width (COLUMNS: WASI has no ioctl to ask it).
      const now = await terminalSize(page);
      await runFresh(page, "docker run --rm -t box sh -c 'echo size=$COLUMNS/$LINES'", 1, 60_000);
      await expectOutput(page, `size=${now.cols}/${now.rows}`, 1, 30_000);

      // The views: a container's state in the page's language, its time as "N minutes ago" with the exact time on hover.
      await page.evaluate(() => (location.hash = '#/containers'));
      await expect(page.getByTestId('views-panel')).toHaveAttribute('data-folded', 'false');
      const badge = page.locator('.inspector [data-state="exited"]').first();
      await expect(badge).toHaveText(new RegExp(`^${text.exited}`), { timeout: 15_000 });
      const time = page.locator('.inspector time').first();
      await expect(time).toHaveText(text.ago);
      await expect(time).toHaveAttribute('title', /\d{4}|\d{1,2}:\d{2}/);

      // Small: one volume is "1 volume"; nothing shared shows no "saved by sharing 0B".
      await run(page, 'docker volume create notes');
      await page.evaluate(() => (location.hash = '#/storage'));
      await expect(page.locator('.inspector').getByText(text.volume, { exact: true })).toBeVisible({ timeout: 15_000 });
      await expect(page.getByTestId('sharing-saved')).toHaveCount(0);

      // edit in a new folder makes the file and opens it.
      await runFresh(page, 'mkdir -p ~/accapp && cd ~/accapp && edit Dockerfile');
      await expectOutput(page, text.created);
      await expect(page.locator('.inspector .cm-editor')).toBeVisible({ timeout: 15_000 });
      await expect(page.locator('.inspector').getByTitle('~/accapp/Dockerfile')).toBeVisible();

      // The shell: $?, cd -, $(...) as a tutorial uses it.
      await runFresh(page, 'cd ~/examples; cd ~/accapp; false; echo "status $?"; cd - && cd -');
      await expectOutput(page, 'status 1\n~/examples\n~/accapp');
      await runFresh(page, 'docker rm $(docker ps -aq) && echo "left: [$(docker ps -aq)]"');
      await expectOutput(page, 'left: []');

      // Ctrl-R finds an earlier command; Enter runs it.
      await run(page, 'echo marker-one');
      await run(page, 'clear');
      await focusTerminal(page);
      await page.keyboard.press('Control+r');
      await page.keyboard.type('marker-o');
      await expectOutput(page, "(reverse-i-search)`marker-o': echo marker-one");
      await page.keyboard.press('Enter');
      await waitIdle(page);
      await expect.poll(() => screenText(page)).toMatch(/^marker-one$/m);

      // Tab completes docker's commands, flags and image names.
      await run(page, 'clear');
      await page.keyboard.type('docker ru');
      await page.keyboard.press('Tab');
      await page.keyboard.type('--de');
      await page.keyboard.press('Tab');
      await page.keyboard.type('hello-w');
      await page.keyboard.press('Tab');
      await expectOutput(page, '$ docker run --detach hello-world');
      await page.keyboard.press('Control+c');
      // Ctrl-L clears the screen and keeps the line being typed.
      await page.keyboard.type('echo kept');
      await page.keyboard.press('Control+l');
      await expect.poll(() => screenText(page)).toMatch(/^learner@dockyard:~\/accapp\$ echo kept$/);
      await page.keyboard.press('Enter');
      await waitIdle(page);

      await typeLine(page, 'clear; help');
      await waitIdle(page);
      for (const line of text.help) await expectOutput(page, line);
      await noSidewaysScroll(page);
      await context.close();
    });
  }
}
