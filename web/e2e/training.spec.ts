import { expect, test, type Page } from '@playwright/test';
import { ADMIN, PASSWORD, apiAs, clientOrg, createProject, demo, importJsonl, login, shot, useLang, type Lang, type Schemas } from './helpers';

// Done-when of training (issue 14): a new annotator takes a course, practises with feedback, fails an exam,
// waits out the cool-down, passes, receives a certificate, and only then gets tasks from a project that
// requires the exam's skill. The trainer's side (a lesson with a preview, the exam builder picking gold
// tasks, the results) is done in the browser too, by the demo admin (who holds the trainer's rights).

const SCHEMA = { fields: [{ name: 'text', type: 'text' }], controls: [{ name: 'label', type: 'choices', field: 'text', options: ['pos', 'neg'] }] };
const COOLDOWN_S = 4;

/** A skill of the catalogue (the demo admin is the park operator's admin), a project of gold tasks, and one that requires the skill. */
async function setUp(page: Page, lang: Lang) {
  const tag = `${lang}-${Date.now()}`;
  const skill = await (await page.request.post('/api/skills', {
    data: { code: `sentiment-${tag.toLowerCase()}`, nameEn: `Sentiment ${tag}`, nameZh: `情感判断 ${tag}`, description: '', maxLevel: 2 },
  })).json() as Schemas['SkillView'];
  expect(skill.id).toBeGreaterThan(0);
  const goldProject = await createProject(page.request, { name: `培训金标题 Training gold ${tag}`, schema: SCHEMA });
  await importJsonl(page.request, goldProject, [0, 1, 2].map((i) => ({ key: `g${i}`, data: { text: `服务很好，非常满意 ${i}` }, gold: { label: ['pos'] } })));
  const work = await createProject(page.request, { name: `需要技能的项目 Skilled work ${tag}`, schema: SCHEMA });
  await importJsonl(page.request, work, [{ data: { text: '需要资格的任务' } }]);
  const r = await page.request.put(`/api/projects/${work}/skills`, { data: { requirements: [{ skillId: skill.id, minLevel: 1 }], routes: [] } });
  expect(r.status(), await r.text()).toBe(200);
  const org = await clientOrg(page.request);
  const email = `new-annotator-${tag.toLowerCase()}@demo.yunzhong`;
  const m = await page.request.post(`/api/organizations/${org.id}/members`, { data: { email, password: PASSWORD, name: `新标注员 ${lang}`, roles: ['annotator'] } });
  expect(m.status(), await m.text()).toBeLessThan(300);
  return { skill, goldProject, work, email, tag };
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`a trainer builds a course and an exam; a new annotator practises, fails, waits, passes, is certified and routed (${lang})`, async ({ page, browser }) => {
    test.setTimeout(180_000);
    await useLang(page, lang);
    await login(page, ADMIN);
    const { skill, work, email, tag } = await setUp(page, lang);

    // The trainer's console: a course, a lesson with its preview and two practice tasks.
    await page.goto('/#/training');
    await page.getByTestId('course-title').fill(`情感入门 Sentiment basics ${tag}`);
    await page.getByTestId('course-skill').selectOption(String(skill.id));
    await page.getByTestId('course-create').click();
    await expect(page.getByTestId('course-editor')).toBeVisible();
    await page.getByTestId('lesson-title').fill('第一课 Lesson one');
    await page.getByTestId('lesson-body-input').fill('## 正面还是负面\n\n**满意**就是正面。 *Satisfied* means **pos**.');
    await expect(page.getByTestId('lesson-preview').locator('h2')).toHaveText('正面还是负面');
    // An image of the organisation's own media (the demo photos project), inserted as Markdown.
    const projects = await (await page.request.get('/api/projects')).json() as { id: number; name: string }[];
    const photos = projects.find((p) => p.name.includes('Photos:'))!;
    await page.getByTestId('image-project').selectOption(String(photos.id));
    await page.getByTestId('image-horse.png').click();
    await expect(page.getByTestId('lesson-body-input')).toHaveValue(/!\[horse\.png\]\(\/api\/projects\/\d+\/media\/horse\.png\)/);
    await expect(page.getByTestId('lesson-preview').locator('img')).toHaveCount(1);
    // A text file dressed as a PNG is refused, in the page's language; a real image is uploaded into the course and inserted.
    await page.getByTestId('image-upload').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
    await expect(page.getByTestId('image-upload-error')).toContainText(lang === 'en' ? 'This file cannot be used' : '无法使用');
    await page.getByTestId('image-upload').setInputFiles(demo('photos', 'media', 'horse.png'));
    await expect(page.getByTestId('lesson-body-input')).toHaveValue(/!\[horse\.png\]\(\/api\/courses\/\d+\/images\/\d+\)/);
    await expect(page.getByTestId('image-upload-error')).toHaveCount(0);
    await expect(page.getByTestId('lesson-preview').locator('img')).toHaveCount(2);
    await expect.poll(() => page.getByTestId('lesson-preview').locator('img').nth(1).evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
    const picker = page.getByTestId('gold-picker');
    const goldBoxes = picker.locator('tr', { hasText: `Training gold ${tag}` }).locator('input[type=checkbox]');
    await expect(goldBoxes).toHaveCount(3);
    await goldBoxes.nth(0).check();
    await goldBoxes.nth(1).check();
    await expect(page.getByTestId('picked-count')).toContainText('2');
    await shot(page, 'training-lesson-editor', lang);
    await page.getByTestId('lesson-save').click();
    // Saved, the new lesson opens in its own editor.
    await expect(page).toHaveURL(/#\/training\/lessons\/\d+$/);
    await expect(page.getByTestId('lesson-title')).toHaveValue('第一课 Lesson one');

    // The exam builder: one question drawn from three gold tasks, all right to pass, a short cool-down.
    await page.goto('/#/training/exams/new');
    await page.getByTestId('exam-title').fill(`情感 一级 Sentiment level 1 ${tag}`);
    await page.getByTestId('exam-skill').selectOption(String(skill.id));
    await page.getByTestId('exam-questionCount').fill('4');
    await page.getByTestId('exam-passMark').fill('100');
    await page.getByTestId('exam-cooldownSeconds').fill(String(COOLDOWN_S));
    await page.getByTestId('exam-timeLimitSeconds').fill('300');
    const pool = page.getByTestId('gold-picker').locator('tr', { hasText: `Training gold ${tag}` }).locator('input[type=checkbox]');
    for (let i = 0; i < 3; i++) await pool.nth(i).check();
    // Four questions from a pool of three: refused, naming the field in the page's language.
    await page.getByTestId('exam-save').click();
    await expect(page.getByTestId('exam-error')).toContainText(lang === 'en' ? 'pool holds only 3' : '题库只有 3');
    await page.getByTestId('exam-questionCount').fill('1');
    await page.getByTestId('exam-save').click();
    await expect(page).toHaveURL(/#\/training\/exams\/\d+$/);
    await expect(page.getByTestId('exam-builder').locator('h1')).toHaveText(`情感 一级 Sentiment level 1 ${tag}`);
    await shot(page, 'training-exam-builder', lang);

    // A client's demand for the skill puts it on the job board, with the course and the exam that lead to it.
    const demand = await page.request.post('/api/demands', { data: {
      clientOrganizationId: (await clientOrg(page.request)).id, title: `情感标注需求 ${tag}`, volume: 500,
      deadline: new Date(Date.now() + 20 * 86_400_000).toISOString(), skills: [{ skillId: skill.id, minLevel: 1 }],
    } });
    expect(demand.status(), await demand.text()).toBeLessThan(300);

    // A new annotator, with no certificate: the project that requires the skill serves them nothing.
    const context = await browser.newContext();
    const learner = await context.newPage();
    await useLang(learner, lang);
    const r = await learner.request.post('/api/auth/login', { data: { email, password: PASSWORD } });
    expect(r.status()).toBe(200);
    const refused = await learner.request.post(`/api/projects/${work}/queue/next`);
    expect(refused.status()).toBe(403);
    expect((await refused.json() as { code: string }).code).toBe('queue.skill_required');

    // The job board: the skill in demand, its course and its exam; the course's link opens the course.
    await learner.goto('/#/workforce');
    const job = learner.getByTestId(`job-${skill.code}`);
    await expect(job.getByTestId('job-course')).toHaveText(`情感入门 Sentiment basics ${tag}`);
    await expect(job.getByTestId('job-exam')).toHaveText(`情感 一级 Sentiment level 1 ${tag}`);
    await shot(learner, 'training-job-board', lang);
    await job.getByTestId('job-course').click();
    await expect(learner.getByTestId('course-page').locator('h1')).toHaveText(`情感入门 Sentiment basics ${tag}`);

    // The course and its practice: the answer beside the expected one, with the gold score.
    await learner.goto('/#/learn');
    await expect(learner.getByTestId('no-certificates')).toBeVisible();
    await learner.locator('a.card', { hasText: `Sentiment basics ${tag}` }).click();
    await learner.getByRole('link', { name: '第一课 Lesson one' }).click();
    await expect(learner.getByTestId('lesson-body').locator('h2')).toHaveText('正面还是负面');
    // The lesson's image loads for the annotator (a member of the organisation that owns it).
    await expect(learner.getByTestId('lesson-body').locator('img')).toHaveCount(2);
    for (const i of [0, 1]) {
      await expect.poll(() => learner.getByTestId('lesson-body').locator('img').nth(i).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    }
    const practice = learner.getByTestId('practice-1');
    await practice.getByTestId('choice-label-neg').click();
    await practice.getByTestId('answer-submit').click();
    await expect(practice.getByTestId('score')).toContainText(lang === 'en' ? 'Wrong' : '错误');
    await expect(practice.getByTestId('given')).toHaveText('neg');
    await expect(practice.getByTestId('expected')).toHaveText('pos');
    await shot(learner, 'training-practice-feedback', lang);
    await practice.getByTestId('practice-again').click();
    await practice.getByTestId('choice-label-pos').click();
    await practice.getByTestId('answer-submit').click();
    await expect(practice.getByTestId('score')).toContainText(lang === 'en' ? 'Right' : '正确');

    // The exam: a wrong answer fails it.
    await learner.goto('/#/learn');
    const examRow = learner.locator('tr', { hasText: `Sentiment level 1 ${tag}` });
    await examRow.getByTestId('exam-start').click();
    await expect(learner.getByTestId('exam-timer')).toHaveText(/^[45]:\d\d$/);
    await shot(learner, 'training-exam-question', lang);
    await learner.getByTestId('question').getByTestId('choice-label-neg').click();
    await learner.getByTestId('answer-submit').click();
    await expect(learner.getByTestId('attempt-result')).toContainText(lang === 'en' ? 'Not passed: 0%' : '未通过：0%');
    await expect(learner.getByTestId('review-1').getByTestId('expected')).toHaveText('pos');
    await shot(learner, 'training-exam-failed', lang);

    // The cool-down: no start button until it has passed.
    await learner.goto('/#/learn');
    await expect(examRow.getByTestId('exam-status')).toContainText(lang === 'en' ? 'Next attempt from' : '后可再次参加');
    await expect(examRow.getByTestId('exam-start')).toHaveCount(0);
    await learner.waitForTimeout(COOLDOWN_S * 1000 + 500);
    await learner.reload();
    await examRow.getByTestId('exam-start').click();
    await learner.getByTestId('question').getByTestId('choice-label-pos').click();
    await learner.getByTestId('answer-submit').click();
    await expect(learner.getByTestId('attempt-result')).toContainText(lang === 'en' ? 'Passed with 100%' : '考试通过：100%');
    await expect(learner.getByTestId('attempt-certified')).toBeVisible();

    // The certificate, and now the project's task.
    await learner.goto('/#/learn');
    const certificate = learner.getByTestId('certificates').locator('tr', { hasText: lang === 'en' ? `Sentiment ${tag}` : `情感判断 ${tag}` });
    await expect(certificate).toContainText(lang === 'en' ? 'Valid' : '有效');
    await shot(learner, 'training-learn-page', lang);
    const served = await learner.request.post(`/api/projects/${work}/queue/next`);
    expect(served.status(), await served.text()).toBe(200);

    // The trainer's results: one person, two attempts, passed at the second.
    await page.goto('/#/training/results');
    const figures = page.getByTestId('figures').locator('tr', { hasText: `Sentiment level 1 ${tag}` });
    await expect(figures.getByTestId('pass-rate')).toHaveText('100%');
    await expect(figures.getByTestId('mean-attempts')).toHaveText('2');
    await shot(page, 'training-results', lang);
    await context.close();
    await apiAs(page.request, ADMIN);
  });
}
