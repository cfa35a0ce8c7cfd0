import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { ADMIN, createProject, login, shot, useLang } from './helpers';

// Webhooks in the project settings (issue 17): a manager adds one pointing at a receiver on
// loopback (the e2e server's operator allows 127.0.0.1 by name), reads the secret once, sends a
// test, and sees the delivery in the log; the receiver checks the signature with that secret.

const TEXT = {
  en: { delivered: 'Delivered', event: 'Test (ping)' },
  'zh-CN': { delivered: '已送达', event: '测试（ping）' },
} as const;

type Received = { headers: IncomingHttpHeaders; body: string };

async function receiver() {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => { got.push({ headers: req.headers, body }); res.writeHead(204).end(); });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, close: () => new Promise((done) => server.close(done)) };
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`a manager adds a webhook, tests it and reads its delivery log (${lang})`, async ({ page }) => {
    const hook = await receiver();
    try {
      await useLang(page, lang);
      await login(page, ADMIN);
      const id = await createProject(page.request, {
        name: `E2E webhooks ${lang}`, schema: { fields: [{ name: 'text', type: 'text' }], controls: [{ name: 'l', type: 'choices', field: 'text', options: ['a'] }] },
      });
      await page.goto(`/#/projects/${id}/settings`);
      const card = page.getByTestId('webhooks');
      await expect(card.getByTestId('webhooks-empty')).toBeVisible();
      await card.getByTestId('webhook-url').fill(hook.url);
      await card.getByTestId('webhook-event-export_finished').check();
      await card.getByTestId('webhook-create').click();
      const secret = (await card.getByTestId('webhook-secret').locator('code').textContent())!;
      expect(secret).toMatch(/^whsec_/);
      await expect(card.getByTestId('webhook-row-url')).toHaveText(hook.url);

      await card.getByTestId('webhook-ping').click();
      await expect.poll(() => hook.got.length, { timeout: 15_000 }).toBe(1);
      const [request] = hook.got;
      expect(request!.headers['yunzhong-event']).toBe('ping');
      const [t, v1] = String(request!.headers['yunzhong-signature']).split(',').map((p) => p.split('=')[1]);
      expect(createHmac('sha256', secret).update(`${t}.${request!.body}`).digest('hex')).toBe(v1);

      await expect(card.getByTestId('webhook-deliveries')).toBeVisible();
      const row = card.getByTestId('webhook-deliveries').locator('tbody tr').first();
      await expect(row.getByTestId('delivery-status')).toContainText(TEXT[lang].delivered, { timeout: 10_000 });
      await expect(row).toContainText(TEXT[lang].event);
      await expect(row).toContainText('204');
      await shot(page, `webhooks-${lang}`);

      // Sent again by hand: a second delivery of the same message.
      await row.getByTestId('delivery-redeliver').click();
      await expect.poll(() => hook.got.length, { timeout: 15_000 }).toBe(2);
      expect(hook.got[1]!.body).toBe(request!.body);
    } finally {
      await hook.close();
    }
  });
}
