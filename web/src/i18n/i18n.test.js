import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zhCN } from './zh-CN';
import { translate } from './index';
describe('i18n', () => {
    it('has a non-empty Chinese string for every English key', () => {
        const missing = Object.keys(en).filter((k) => !zhCN[k]?.trim());
        expect(missing).toEqual([]);
        expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    });
    it('fills placeholders in both languages', () => {
        expect(translate('en', 'import.done', { imported: 12, duplicates: 3 })).toBe('12 tasks imported, 3 duplicates skipped.');
        expect(translate('zh-CN', 'import.done', { imported: 12, duplicates: 3 })).toBe('已导入 12 个任务，跳过重复 3 个。');
    });
    it('keeps a placeholder it has no value for', () => {
        expect(translate('en', 'wb.missing', {})).toBe('Still required: {names}');
    });
});
