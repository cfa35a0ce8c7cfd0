import { rmSync } from 'node:fs';

/** Removes the run's server data folder (the server has stopped by the time this runs). */
export default function teardown() {
  const dir = process.env.YZ_E2E_DATA;
  if (dir && dir.includes('yz-e2e-')) rmSync(dir, { recursive: true, force: true });
}
