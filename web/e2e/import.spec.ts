import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ADMIN, apiAs, createProject, demo, demoProject, login, shot, useLang, type Lang } from './helpers';

const imageSchema = { fields: [{ name: 'image', type: 'image' }], controls: [{ name: 'kind', type: 'choices', field: 'image', options: ['cat', 'dog'] }] };

/** A zip (stored, no compression) of the given files, made here so the test needs no zip tool. */
function zipOf(files: { name: string; bytes: Buffer }[]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b: Buffer) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const locals: Buffer[] = []; const centrals: Buffer[] = []; let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name); const sum = crc(f.bytes);
    const local = Buffer.alloc(30); local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(sum, 14);
    local.writeUInt32LE(f.bytes.length, 18); local.writeUInt32LE(f.bytes.length, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46); central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
    central.writeUInt32LE(sum, 16); central.writeUInt32LE(f.bytes.length, 20); central.writeUInt32LE(f.bytes.length, 24);
    central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, name, f.bytes); centrals.push(central, name);
    offset += 30 + name.length + f.bytes.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22); end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

for (const lang of ['en', 'zh-CN'] as const satisfies readonly Lang[]) {
  const L = lang === 'en'
    ? { made: /2 media files uploaded: 2 tasks created, 0 already had a task/, again: 'These files were imported on', zipMade: /1 media files uploaded: 1 tasks created/,
      againDone: /0 tasks created, 2 already had a task/, filter: 'Tasks of import' }
    : { made: /已上传 2 个媒体文件：新建 2 个任务，0 个文件已有任务/, again: '这些文件已于', zipMade: /已上传 1 个媒体文件：新建 1 个任务/,
      againDone: /新建 0 个任务，2 个文件已有任务/, filter: '次导入的任务' };

  test(`import: dropped images and a zip become one task per file, recognised when dropped again, with a link to the new tasks (${lang})`, async ({ page, playwright, baseURL }) => {
    const setup = await playwright.request.newContext({ baseURL });
    await apiAs(setup, ADMIN);
    const projectId = await createProject(setup, { name: `E2E media drop (${lang})`, schema: imageSchema });
    await setup.dispose();
    await useLang(page, lang);
    await login(page, ADMIN);
    await page.goto(`/#/projects/${projectId}/import`);
    const images = [demo('photos', 'media', 'horse.png'), demo('photos', 'media', 'camera.jpg')];
    await page.getByTestId('import-input').setInputFiles(images);
    await expect(page.getByTestId('import-result')).toContainText(L.made);
    await shot(page, 'import-media-done', lang);

    // The same images again: the page says when they were imported and asks.
    await page.getByTestId('import-input').setInputFiles(images);
    await expect(page.getByTestId('import-again')).toContainText(L.again);
    await shot(page, 'import-again', lang);
    await page.getByTestId('import-again-yes').click();
    await expect(page.getByTestId('import-result')).toContainText(L.againDone);

    // A zip of one more picture.
    await page.getByTestId('import-input').setInputFiles([{ name: 'more.zip', mimeType: 'application/zip',
      buffer: zipOf([{ name: 'pets/chelsea.jpg', bytes: readFileSync(demo('photos', 'media', 'chelsea.jpg')) }]) }]);
    await expect(page.getByTestId('import-result')).toContainText(L.zipMade);
    await expect(page.getByTestId('import-history').locator('tbody tr')).toHaveCount(3);

    // The link shows that import's tasks only.
    await page.getByTestId('import-view-tasks').click();
    await expect(page.getByTestId('dm-import-filter')).toContainText(L.filter);
    const rows = page.getByTestId('task-table').locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('pets/chelsea.jpg');
    await expect(page.getByTestId('preview-image')).toBeVisible();
    const all = await (await page.request.get(`/api/projects/${projectId}/tasks/count`)).json() as { count: number };
    expect(all.count).toBe(3);
  });
}

test('import: a CSV is previewed with its columns mapped to fields before import; the same file again is recognised', async ({ page, playwright, baseURL }) => {
  const setup = await playwright.request.newContext({ baseURL });
  await apiAs(setup, ADMIN);
  const projectId = await createProject(setup, { name: 'E2E CSV mapping', schema: demoProject('emails').schema });
  await setup.dispose();
  await useLang(page, 'zh-CN');
  await login(page, ADMIN);
  await page.goto(`/#/projects/${projectId}/import`);
  const csv = { name: '评论.csv', mimeType: 'text/csv', buffer: Buffer.from('评论,来源\n"很好, 会再来",app\n一般,web\n') };
  await page.getByTestId('import-input').setInputFiles([csv]);
  // The schema's "text" field is filled by no column: the preview waits for a mapping.
  const preview = page.getByTestId('import-preview');
  await expect(preview).toContainText('评论.csv 预览（前 2 行）');
  await expect(preview).toContainText('很好, 会再来');
  await expect(page.getByTestId('import-unfilled')).toContainText('没有列填入方案字段“text”');
  await expect(page.getByTestId('import-start')).toBeDisabled();
  await page.getByTestId('map-评论').selectOption('text');
  await page.getByTestId('map-来源').selectOption('');
  await expect(page.getByTestId('import-unfilled')).toHaveCount(0);
  await shot(page, 'import-mapping', 'zh-CN');
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('import-result')).toContainText('评论.csv: 已导入 2 个任务，跳过重复 0 个。');
  const tasks = await (await page.request.get(`/api/projects/${projectId}/tasks`)).json() as { items: { data: Record<string, string> }[] };
  expect(tasks.items.map((i) => i.data)).toEqual([{ text: '很好, 会再来' }, { text: '一般' }]);

  // The same file again, mapped the same way: recognised by its bytes.
  await page.getByTestId('import-input').setInputFiles([csv]);
  await page.getByTestId('map-评论').selectOption('text');
  await page.getByTestId('map-来源').selectOption('');
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('import-again')).toContainText('“评论.csv”已于');
  await expect(page.getByTestId('import-again')).toContainText('（2 个任务）');
  await page.getByTestId('import-again-yes').click();
  await expect(page.getByTestId('import-result')).toContainText('已导入 0 个任务，跳过重复 2 个。');
});

test('import: a JSONL whose rows fill the schema goes in at once, with a link to its tasks (en)', async ({ page, playwright, baseURL }) => {
  const setup = await playwright.request.newContext({ baseURL });
  await apiAs(setup, ADMIN);
  const projectId = await createProject(setup, { name: 'E2E JSONL link', schema: demoProject('emails').schema });
  await setup.dispose();
  await useLang(page, 'en');
  await login(page, ADMIN);
  await page.goto(`/#/projects/${projectId}/import`);
  await page.getByTestId('import-input').setInputFiles([demo('emails', 'tasks.jsonl')]);
  await expect(page.getByTestId('import-result')).toContainText('tasks.jsonl:');
  await expect(page.getByTestId('import-preview')).toHaveCount(0);
  await shot(page, 'import-done-link', 'en');
  await page.getByTestId('import-view-tasks').click();
  await expect(page.getByTestId('dm-import-filter')).toBeVisible();
  await expect(page.getByTestId('task-table').locator('tbody tr').first()).toBeVisible();
});
