import { expect, test, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, exportViaDialog, importJsonl, login, shot, useLang } from './helpers';

// The time series control end to end: a project from Label Studio's TimeSeries + TimeSeriesLabels
// config (inline JSON, two channels), a range brushed with the mouse, the wheel zooming in at the
// pointer, a second range marked by keyboard ([ and ]), the first range's per-region choice made in
// the side panel, submitted and exported as JSON lines.

const XML = `<View>
  <TimeSeriesLabels name="label" toName="ts">
    <Label value="Run"/><Label value="Spike"/>
  </TimeSeriesLabels>
  <TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time">
    <Channel column="velocity" legend="Velocity"/>
    <Channel column="acceleration" legend="Acceleration"/>
  </TimeSeries>
  <Choices name="kind" toName="ts" perRegion="true">
    <Choice value="Outlier"/><Choice value="Anomaly"/>
  </Choices>
</View>`;

const N = 2000;
const TS = {
  time: Array.from({ length: N }, (_, i) => i),
  velocity: Array.from({ length: N }, (_, i) => Math.round(Math.sin(i / 40) * 1000) / 100),
  acceleration: Array.from({ length: N }, (_, i) => Math.round(Math.cos(i / 13) * (i % 500 === 0 ? 800 : 100)) / 100),
};

const span = async (page: Page) => {
  const el = page.getByTestId('timeseries-ts');
  return Number(await el.getAttribute('data-t1')) - Number(await el.getAttribute('data-t0'));
};

for (const lang of ['en', 'zh-CN'] as const) {
  test(`Label Studio TimeSeries: a brushed range, wheel zoom and a keyboard range, exported (${lang})`, async ({ page, playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    await apiAs(request, ADMIN);
    const projectId = await createProject(request, { name: `E2E time series ${lang}`, labelStudioXml: XML });
    await importJsonl(request, projectId, [{ key: 's1', data: { ts: TS } }]);
    await request.dispose();

    await useLang(page, lang);
    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${projectId}/annotate`);
    const view = page.getByTestId('timeseries-ts');
    await expect(view).toHaveAttribute('data-points', String(N));
    await expect(page.getByTestId('ts-channel-velocity')).toBeVisible();
    await expect(page.getByTestId('ts-channel-acceleration')).toBeVisible();
    await expect(page.getByTestId('ts-charts-ts')).toHaveAttribute('data-drawn', /\d/);

    // Mouse: Run is the current label; brush from 20 % to 40 % of the whole series.
    const charts = page.getByTestId('ts-charts-ts');
    const box = (await charts.boundingBox())!;
    const at = (f: number) => ({ x: box.x + box.width * f, y: box.y + box.height / 2 });
    await page.mouse.move(at(0.2).x, at(0.2).y);
    await page.mouse.down();
    await page.mouse.move(at(0.4).x, at(0.4).y, { steps: 8 });
    await page.mouse.up();
    await expect(page.locator('[data-testid^="region-row-"]')).toHaveCount(1);

    // The wheel zooms in around the pointer: the window narrows and still holds the pointer's time.
    const full = await span(page);
    await page.mouse.move(at(0.75).x, at(0.75).y);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -100);
    await expect.poll(() => span(page)).toBeLessThan(full * 0.5);
    const t0 = Number(await view.getAttribute('data-t0'));
    const t1 = Number(await view.getAttribute('data-t1'));
    expect(t0).toBeLessThan(0.75 * (N - 1));
    expect(t1).toBeGreaterThan(0.75 * (N - 1));

    // Keyboard: Spike, then 0 shows all, the cursor walks right, [ marks, ] labels up to the cursor.
    await page.getByTestId('label-label-Spike').click();
    await charts.focus();
    await page.keyboard.press('0');
    await expect.poll(() => span(page)).toBe(full);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('[');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press(']');
    await expect(page.locator('[data-testid^="region-row-"]')).toHaveCount(2);
    await expect(page.getByTestId('ts-cursor')).toBeVisible();
    await shot(page, 'timeseries', lang);

    // The first range's per-region choice, in the side panel once the range is selected (after the
    // keyboard range: picking a label relabels the selected range).
    await page.locator('[data-testid^="region-row-"]').first().click();
    await expect(page.getByTestId('region-attributes')).toBeVisible();
    await page.getByTestId('attr-kind-Anomaly').click();
    await expect(page.getByTestId('attr-kind-Anomaly')).toHaveAttribute('aria-checked', 'true');
    await shot(page, 'timeseries-attributes', lang);

    await page.getByTestId('submit').click();
    await expect(view).toHaveCount(0);

    const admin = await page.context().browser()!.newPage();
    await login(admin, ADMIN);
    const lines = await exportViaDialog(admin, projectId);
    const result = (lines[0]!.annotations as { result: Record<string, unknown> }[])[0]!.result;
    const ranges = result.label as { id: string; start: number; end: number; label: string }[];
    expect(ranges.map((r) => r.label)).toEqual(['Run', 'Spike']);
    expect(result.kind).toEqual({ [ranges[0]!.id]: ['Anomaly'] });
    const [run, spike] = ranges as [typeof ranges[0], typeof ranges[0]];
    // Pixels to times: within a percent of the series.
    expect(Math.abs(run.start - 0.2 * (N - 1))).toBeLessThan(N / 100);
    expect(Math.abs(run.end - 0.4 * (N - 1))).toBeLessThan(N / 100);
    // Centre + 3 × 10 % = 80 %, then 5 × 1 % on = 85 %.
    expect(Math.abs(spike.start - 0.8 * (N - 1))).toBeLessThan(1);
    expect(Math.abs(spike.end - 0.85 * (N - 1))).toBeLessThan(1);
    await admin.close();
  });
}

// A time series field naming a CSV of the project's media (uploaded as any other media file, its type
// judged a table by its content): the workbench fetches it and draws both channels.
test('a time series from an uploaded CSV file is drawn channel by channel', async ({ page, playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  await apiAs(request, ADMIN);
  const schema = {
    fields: [{ name: 'ts', type: 'timeseries', timeColumn: 'time' }],
    controls: [{ name: 'label', type: 'timeseries', field: 'ts', labels: ['Run'] }],
  };
  const projectId = await createProject(request, { name: 'E2E time series from CSV', schema });
  const csv = ['time,velocity,acceleration', ...TS.time.map((t, i) => `${t},${TS.velocity[i]},${TS.acceleration[i]}`)].join('\n') + '\n';
  const uploaded = await request.post(`/api/projects/${projectId}/media`, {
    multipart: { file0: { name: 'run-1.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) } },
  });
  expect(uploaded.status(), await uploaded.text()).toBe(200);
  expect(((await uploaded.json()) as { contentType: string }[])[0]!.contentType).toBe('text/csv');
  await importJsonl(request, projectId, [{ key: 'run-1', data: { ts: 'media:run-1.csv' } }]);
  await request.dispose();

  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  const view = page.getByTestId('timeseries-ts');
  await expect(view).toHaveAttribute('data-points', String(N));
  await expect(page.getByTestId('ts-channel-velocity')).toBeVisible();
  await expect(page.getByTestId('ts-channel-acceleration')).toBeVisible();
  await expect(page.getByTestId('ts-charts-ts')).toHaveAttribute('data-drawn', /\d/);
});
