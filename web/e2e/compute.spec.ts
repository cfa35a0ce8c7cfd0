import { expect, test, type Page } from '@playwright/test';
import {
  ADMIN, ANNOTATOR, answerWithKey, createProject, demo, demoProject, demoTasks, importJsonl, login, shot, uploadMedia, useLang, type Schemas,
} from './helpers';

// Compute beside the data (issue 16), as a manager and an annotator meet it: a VAD job started on the
// compute page, its progress to the end, its segments on the audio workbench; and the active-learning
// card turning the loop on, training after N labels and re-predicting the open tasks.

test.beforeEach(async ({ page }) => {
  await useLang(page, 'en');
});

/** Signs in as someone else and leaves the app, so the next page loads it afresh for that person. */
async function as(page: Page, email: string) {
  await login(page, email);
  await page.goto('about:blank');
}

test('a VAD job started on the compute page shows its progress, and its segments are on the audio workbench', async ({ page }) => {
  await login(page, ADMIN);
  const name = `E2E VAD ${Date.now()}`;
  const id = await createProject(page.request, { name, schema: demoProject('speech').schema });
  await uploadMedia(page.request, id, [demo('speech', 'media', 'librivox-0880.wav'), demo('speech', 'media', 'cards-001.wav')]);
  await importJsonl(page.request, id, [
    { key: 'reading', data: { audio: 'media:librivox-0880.wav' } },
    { key: 'cards', data: { audio: 'media:cards-001.wav' } },
  ]);

  await page.goto('/#/compute');
  // The page says which ONNX Runtime provider runs the models (this build: the CPU, with why not CUDA).
  const runtime = page.getByTestId('compute-runtime');
  await expect(runtime).toHaveAttribute('data-provider', /^(cpu|cuda)$/);
  if (await runtime.getAttribute('data-provider') === 'cpu') {
    await expect(runtime).toContainText('Models run on the CPU');
  }
  await expect(page.getByTestId('models')).toContainText('silero-vad@5');
  await page.getByTestId('compute-project').selectOption({ label: name });
  await page.getByTestId('compute-model').selectOption({ label: 'silero-vad@5' });
  await page.getByTestId('compute-start').click();
  const job = page.getByTestId('compute-jobs').locator('li').first();
  await expect(job).toContainText('silero-vad@5');
  // Progress counts up to both tasks and the job ends done.
  await expect(job).toContainText('2 / 2 tasks', { timeout: 60_000 });
  await expect(job).toContainText('done');
  await expect(job.locator('progress')).toHaveAttribute('value', '2');
  await shot(page, 'compute-vad-job', 'en');
  // The same in Chinese.
  await page.evaluate(() => localStorage.setItem('yz.lang', 'zh-CN'));
  await page.reload();
  await expect(page.getByTestId('compute-jobs').locator('li').first()).toContainText('已完成');
  if (await runtime.getAttribute('data-provider') === 'cpu') {
    await expect(runtime).toContainText('模型在 CPU 上运行');
  }
  await shot(page, 'compute-vad-job', 'zh-CN');
  await page.evaluate(() => localStorage.setItem('yz.lang', 'en'));

  // The annotator's workbench shows the model's speech segments on the clip.
  await as(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  await expect(page.getByTestId('user-name')).not.toContainText('Admin');
  await expect(page.getByTestId('waveform')).not.toHaveAttribute('data-duration', '0');
  await expect(page.getByTestId('region-vad1')).toBeVisible();
  const rows = page.locator('[data-testid^="region-row-vad"]');
  expect(await rows.count()).toBeGreaterThan(0);
  await expect(rows.first()).toContainText('speech');
  await shot(page, 'compute-vad-workbench', 'en');
});

test('the active-learning card turns the loop on; after two labels it trains, re-predicts the open tasks, and runs again on demand', async ({ page }) => {
  await login(page, ADMIN);
  const emails = demoTasks('emails', 60);
  const spam = emails.filter((e) => String(e.key).startsWith('spam')).slice(0, 4);
  const ham = emails.filter((e) => String(e.key).includes('ham')).slice(0, 4);
  const id = await createProject(page.request, { name: `E2E learning ${Date.now()}`, schema: demoProject('emails').schema });
  await importJsonl(page.request, id, spam.flatMap((s, i) => [s, ham[i]!]).map((e) => ({ key: e.key, data: e.data })));

  await page.goto(`/#/projects/${id}`);
  await page.getByTestId('tab-settings').click();
  const card = page.getByTestId('learning');
  await expect(card.getByTestId('learning-status')).toContainText('No model trained yet.');
  await card.getByTestId('learning-loop').check();
  await card.getByTestId('learning-every').fill('2');
  await card.getByTestId('learning-save').click();
  await expect(card.getByTestId('learning-saved')).toBeVisible();
  await expect(card.getByTestId('learning-status')).toContainText('Labelled now: 0. Next training at 2.');

  // An annotator labels two emails on the workbench, one each way.
  await as(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  await expect(page.getByTestId('user-name')).not.toContainText('Admin');
  await answerWithKey(page, '1');
  await answerWithKey(page, '2');

  // The loop notices the two labels, trains model v1 and predicts the six open tasks.
  await as(page, ADMIN);
  await page.goto(`/#/projects/${id}`);
  await page.getByTestId('tab-settings').click();
  await expect(card.getByTestId('learning-status')).toContainText('Model v1, trained on 2 labelled tasks', { timeout: 45_000 });
  await expect(card.getByTestId('learning-status')).toContainText('it predicted 6 open tasks');
  const tasks = await (await page.request.get(`/api/projects/${id}/tasks?limit=50`)).json() as Schemas['TaskPage'];
  // Open: not yet annotated (the workbench holds a lease on the next one, which is still open).
  const open = tasks.items.filter((t) => t.annotationCount === 0);
  expect(open).toHaveLength(6);
  for (const t of open) {
    const detail = await (await page.request.get(`/api/tasks/${t.id}`)).json() as Schemas['TaskDetail'];
    expect(detail.predictions.map((p) => p.model)).toContain('yz-learning/v1');
  }
  await shot(page, 'learning-card-trained', 'en');

  // "Train and predict now" runs it again at once: model v2.
  await card.getByTestId('learning-run').click();
  await expect(card.getByRole('status')).toHaveText('Trained and predicted.');
  await expect(card.getByTestId('learning-status')).toContainText('Model v2, trained on 2 labelled tasks');
});
