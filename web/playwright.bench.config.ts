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
  // No Playwright trace: recording one (the e2e set-up keeps it on failure, so it records every test)
  // screencasts the page, and the GPU process's readback and JPEG encoding, the browser's and the
  // runner's handling of the frames took about a core on the 2-core machine: the video benchmark's
  // page drew 13–22 animation frames a second while dragging with it and 51–60 without
  // (docs/benchmarks.md, "Scrubbing at 30 fps?").
  use: { ...base.use, trace: 'off' },
});
