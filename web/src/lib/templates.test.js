import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { formatSize } from '../pages/ExportTab';
import { TEMPLATES } from './templates';
describe('templates', () => {
    it('have unique ids and a name and description in both languages', () => {
        expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
        for (const t of TEMPLATES) {
            for (const k of [`tpl.${t.id}.name`, `tpl.${t.id}.desc`]) {
                expect(en[k], k).toBeTruthy();
                expect(zhCN[k], k).toBeTruthy();
            }
        }
    });
    it('write their labels in the reader’s language and keep control names the same', () => {
        const ner = TEMPLATES.find((t) => t.id === 'ner');
        expect(JSON.stringify(ner.schema(true))).toContain('人名');
        expect(JSON.stringify(ner.schema(false))).toContain('Person');
        for (const t of TEMPLATES)
            expect(t.schema(true).controls.map((c) => c.name)).toEqual(t.schema(false).controls.map((c) => c.name));
    });
    it('point every control at a field the template has', () => {
        for (const t of TEMPLATES) {
            const s = t.schema(false);
            for (const c of s.controls)
                if (c.field)
                    expect(s.fields.map((f) => f.name), `${t.id}.${c.name}`).toContain(c.field);
        }
    });
});
describe('formatSize', () => {
    it('reads bytes as people do', () => {
        expect([formatSize(0), formatSize(812), formatSize(4300), formatSize(13 * 1024 * 1024), formatSize(3 * 1024 ** 4)]).toEqual(['0 B', '812 B', '4.2 KB', '13 MB', '3.0 TB']);
    });
});
