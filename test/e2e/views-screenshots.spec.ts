import { test, expect, type Page } from '@playwright/test';
import { openPlayground, run } from './journey-support.ts';

// Every view in both themes and both languages, saved to docs/screenshots/<view>-<theme>-<lang>.png
// (looked at by a person; the names are listed in web/README.md). In Korean each view must read in
// Korean: its own text goes through web/i18n, not only the tabs around it.

const OUT = 'docs/screenshots';

interface View {
  name: string;
  hash: string;
  /** Something on the view once it has loaded, per language. */
  ready: { en: string | RegExp; ko: string | RegExp };
  open?: (page: Page) => Promise<void>;
}

const VIEWS: View[] = [
  { name: 'workspace', hash: '#/workspace/examples/greeter/Dockerfile', ready: { en: 'Workspace', ko: '작업 공간' } },
  { name: 'images', hash: '#/images', ready: { en: 'Repository', ko: '저장소' } },
  { name: 'image-detail', hash: '#/images/box:latest', ready: { en: 'Layer stack', ko: '레이어 스택' } },
  { name: 'containers', hash: '#/containers', ready: { en: /instances? of image/, ko: /이미지 [0-9a-f]{12}의 인스턴스/ } },
  { name: 'container-detail', hash: '#/containers/web', ready: { en: 'Writable layer (diff)', ko: '쓰기 가능한 레이어 (diff)' } },
  { name: 'volumes', hash: '#/volumes', ready: { en: 'Create volume', ko: '볼륨 만들기' } },
  { name: 'storage', hash: '#/storage', ready: { en: 'Layers stored once, used by many', ko: '한 번 저장하고 여럿이 쓰는 레이어' } },
  { name: 'parity', hash: '#/parity', ready: { en: 'Side by side: the browser engine', ko: '나란히 비교: 브라우저 엔진' } },
  {
    name: 'connect',
    hash: '#/images',
    ready: { en: 'The address and token are remembered', ko: '주소와 토큰은 이 브라우저에만' },
    open: async (page) => page.getByTestId('kernel-status').click(),
  },
];

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

test('each view in light and dark, English and Korean, and in Korean the views read in Korean', async ({ page }) => {
  test.setTimeout(600_000);
  await page.setViewportSize({ width: 1280, height: 800 }); // a laptop
  await openPlayground(page);
  await expect(page.getByTestId('engine-indicator')).toHaveClass(/ready/, { timeout: 30_000 });
  // Something in every view: images, a running and an exited container of box, a volume in use.
  await run(page, 'docker run hello-world', 1, 60_000);
  await run(page, 'docker run -d --name web box sh -c "echo up > /srv.txt; while true; do date; sleep 1; done"', 1, 60_000);
  await run(page, 'docker run --name writer -v notes:/data box sh -c "date >> /data/log"', 1, 60_000);
  // The tutorial column closed, so the views have the room they have on a laptop.
  if ((await page.getByTestId('tutorial-toggle').getAttribute('aria-pressed')) === 'true') await page.getByTestId('tutorial-toggle').click();

  for (const lang of ['en', 'ko'] as const) {
    await page.getByTestId('lang-select').selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      for (const view of VIEWS) {
        await page.evaluate((hash) => (location.hash = hash), view.hash);
        await view.open?.(page);
        await expect(page.locator('.inspector, [data-testid="connect-dialog"]').getByText(view.ready[lang]).first()).toBeVisible({ timeout: 15_000 });
        await page.waitForTimeout(300); // the live views settle after their last refresh
        await page.screenshot({ path: `${OUT}/${view.name}-${theme}-${lang}.png` });
        if (view.open) await page.locator('.backdrop').click({ position: { x: 5, y: 5 } });
      }
    }
  }
});
