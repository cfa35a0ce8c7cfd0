import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `npm run bench`: the e2e set-up (one `yz serve --demo` on a fresh data folder, Debian's Chromium)
// running the measurements in bench/ instead of the tests in e2e/.
export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: '*.bench.ts',
  timeout: 15 * 60_000,
  retries: 0,
});
