import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// One server per run on a fresh data folder, so every run starts from the demo park alone.
// The config is loaded again in each worker process: the environment carries the first choice over.
process.env.YZ_E2E_PORT ??= String(20000 + Math.floor(Math.random() * 20000));
process.env.YZ_E2E_DATA ??= mkdtempSync(join(tmpdir(), 'yz-e2e-'));
const port = Number(process.env.YZ_E2E_PORT);
const data = process.env.YZ_E2E_DATA;

export default defineConfig({
  testDir: './e2e',
  globalTeardown: './e2e/teardown.ts',
  // The tests share one server and build on each other's projects only within a file.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium: browser downloads are not possible where this runs.
      executablePath: process.env.YZ_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync',
        '--autoplay-policy=no-user-gesture-required'],
    },
  },
  webServer: {
    command: `dotnet ../artifacts/yz/yz.dll serve --data ${data} --urls http://127.0.0.1:${port} --demo`,
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    // The operator's allow-list: webhooks.spec posts to a receiver of its own on loopback.
    env: { ...process.env, Webhooks__AllowedHosts__0: '127.0.0.1' },
  },
});
