import { expect, test } from '@playwright/test';
import { ADMIN, apiAs, clientOrg, createProject, importJsonl, login, shot, useLang, type Schemas } from './helpers';

// Routing by skill (issue 14): a manager requires a skill in the project's settings, an annotator without
// the certificate gets nothing from the project, the organisation's admin grants one on the workforce
// page, and then the annotator gets tasks. Tasks whose `dialect` routes to a skill they do not hold stay
// with those who hold it.

const SCHEMA = {
  fields: [{ name: 'text', type: 'text' }],
  controls: [{ name: 'label', type: 'choices', field: 'text', options: ['ok', 'noise'] }],
};

test.describe.configure({ mode: 'serial' });

for (const lang of ['en', 'zh-CN'] as const) {
  test(`an annotator gets tasks of a skill project only once certified (${lang})`, async ({ page, browser }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    const org = await clientOrg(page.request);
    const skills = await (await page.request.get('/api/skills')).json() as Schemas['SkillView'][];
    const mandarin = skills.find((s) => s.code === 'asr-mandarin')!;
    const datong = skills.find((s) => s.code === 'dialect-datong')!;
    const project = await createProject(page.request, { name: `E2E skills ${lang} ${Date.now()}`, schema: SCHEMA });
    await importJsonl(page.request, project, [
      { data: { text: `大同话录音 ${lang}`, dialect: '大同话' } },
      { data: { text: `普通话录音 ${lang} 1`, dialect: '普通话' } },
      { data: { text: `普通话录音 ${lang} 2`, dialect: '普通话' } },
    ]);

    // The manager requires 普通话语音转写 and routes 大同话 recordings to 方言语音·大同话, in the settings tab.
    await page.goto(`/#/projects/${project}/settings`);
    const panel = page.getByTestId('project-skills');
    await panel.getByTestId('add-need').click();
    await panel.getByTestId('need-skill-0').selectOption(String(mandarin.id));
    await panel.getByTestId('add-route').click();
    await panel.getByTestId('route-field-0').fill('dialect');
    await panel.getByTestId('route-value-0').fill('大同话');
    await panel.getByTestId('route-skill-0').selectOption(String(datong.id));
    // A level the skill does not have is refused, naming the field.
    await panel.getByTestId('need-level-0').fill('7');
    await panel.getByTestId('skills-save').click();
    await expect(panel.getByTestId('skills-error')).toContainText(lang === 'en' ? 'Choose a level of the skill, from 1 to 3' : '请选择该技能的等级，1 到 3');
    await panel.getByTestId('need-level-0').fill('1');
    await panel.getByTestId('skills-save').click();
    await expect(panel.getByTestId('skills-saved')).toBeVisible();
    await shot(page, 'workforce-project-skills', lang);

    // A fresh annotator of the organisation: nothing from this project.
    const email = `e2e-skills-${lang}-${Date.now()}@demo.yunzhong`;
    const added = await page.request.post(`/api/organizations/${org.id}/members`, { data: { email, password: 'yunzhong-demo', roles: ['annotator'] } });
    expect(added.status(), await added.text()).toBe(200);
    const person = (await added.json() as Schemas['MemberView']).userId;
    const annotator = await (await browser.newContext()).newPage();
    await apiAs(annotator.request, email);
    const refused = await annotator.request.post(`/api/projects/${project}/queue/next`);
    expect(refused.status()).toBe(403);
    expect((await refused.json() as { code: string }).code).toBe('queue.skill_required');

    // The admin grants 普通话语音转写 on the workforce page.
    await page.goto('/#/workforce');
    const grant = page.getByTestId('grant-form');
    await grant.getByTestId('grant-person').selectOption(String(person));
    await grant.getByTestId('grant-skill').selectOption(String(mandarin.id));
    await grant.getByTestId('grant-submit').click();
    await expect.poll(async () => ((await (await page.request.get(`/api/organizations/${org.id}/certificates`)).json()) as Schemas['CertificateView'][])
      .filter((c) => c.userId === person && c.skillId === mandarin.id && c.valid).length).toBe(1);
    await expect(page.getByTestId('people-certificates')).toContainText(lang === 'en' ? 'Valid' : '有效');
    await shot(page, 'workforce-page', lang);

    // Now the annotator gets the two 普通话 tasks, never the 大同话 one.
    const served: string[] = [];
    for (;;) {
      const r = await annotator.request.post(`/api/projects/${project}/queue/next`);
      if (r.status() === 204) break;
      expect(r.status(), await r.text()).toBe(200);
      const lease = await r.json() as Schemas['NextResponse'];
      served.push(String((lease.task.data as Record<string, unknown>).dialect));
      const s = await annotator.request.post(`/api/assignments/${lease.assignmentId}/submit`, {
        data: { result: { label: ['ok'] } }, headers: { 'Idempotency-Key': `wf-${lang}-${lease.assignmentId}` },
      });
      expect(s.status(), await s.text()).toBe(200);
    }
    expect(served).toEqual(['普通话', '普通话']);

    // The annotator sees the certificate in their own list.
    await useLang(annotator, lang);
    await annotator.goto('/#/workforce');
    await expect(annotator.getByTestId('my-certificate-asr-mandarin')).toContainText(lang === 'en' ? 'Valid' : '有效');
    await annotator.close();
  });
}

// The vendor's people page (the park console) shows each person's certificates: skill, level, issued and
// expiry dates, for the vendor's admin. The demo vendor's people hold certificates from the demo park.
for (const lang of ['en', 'zh-CN'] as const) {
  test(`the vendor's admin sees each person's certificates on the people table (${lang})`, async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await useLang(page, lang);
    await apiAs(page.request, 'vendor-admin@demo.yunzhong');
    const me = await (await page.request.get('/api/me')).json() as Schemas['MeResponse'];
    const vendor = me.organizations.find((o) => o.kind === 'vendor')!;
    await page.addInitScript((id) => localStorage.setItem('yz.org', id), String(vendor.id));
    const certs = (await (await page.request.get(`/api/organizations/${vendor.id}/certificates`)).json() as Schemas['CertificateView'][])
      .filter((c) => !c.revokedAt);
    expect(certs.length).toBeGreaterThan(0);
    const c = certs[0]!;
    const day = (iso: string) => { const d = new Date(iso); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; };
    await page.goto('/#/park');
    const cell = page.getByTestId(`person-${c.userId}`).getByTestId(`person-certificate-${c.skillCode}`);
    await expect(cell).toContainText(lang === 'en' ? c.nameEn : c.nameZh);
    await expect(cell).toContainText(lang === 'en' ? `level ${c.level}` : `${c.level} 级`);
    await expect(cell).toContainText(day(c.issuedAt));
    await expect(cell).toContainText(c.expiresAt ? day(c.expiresAt) : lang === 'en' ? 'no expiry' : '长期有效');
    // Every person's certificates, none more: the table holds as many lines as the organisation's list.
    const shown = await page.getByTestId('vendor-people').locator('[data-testid^="person-certificate-"]').count();
    const people = new Set((await (await page.request.get(`/api/organizations/${vendor.id}/members`)).json() as Schemas['MemberView'][])
      .filter((m) => m.roles.includes('annotator') || m.roles.includes('reviewer')).map((m) => m.userId));
    expect(shown).toBe(certs.filter((x) => people.has(x.userId)).length);
    await page.getByTestId('vendor-people').scrollIntoViewIfNeeded();
    await shot(page, 'park-vendor-people-certificates', lang);
    await context.close();
  });
}
