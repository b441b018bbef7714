import { test, expect } from '@playwright/test';

test('the playground page loads cross-origin isolated', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Dockyard' })).toBeVisible();
  // Interactive stdin for containers depends on SharedArrayBuffer, which needs isolation.
  await expect(page.getByTestId('isolation')).toHaveText('cross-origin isolated');
});
