import { describe, expect, it } from 'vitest';
import { allColumns, cellText, defaultHidden, defaultMapping, hiddenColumns, mapParameter, parseDelimited, previewFile, previewOf, saveHiddenColumns, unfilledFields, } from './datamgr';
const schema = {
    fields: [{ name: 'image', type: 'image' }, { name: 'caption', type: 'text' }],
    controls: [{ name: 'kind', type: 'choices', field: 'image', options: ['a'] }],
};
describe('task table columns', () => {
    it('has a preview, one column per data field, then the task columns', () => {
        expect(allColumns(schema)).toEqual(['preview', 'data:image', 'data:caption', 'key', 'state', 'priority', 'annotations', 'updated']);
    });
    it('remembers hidden columns per project and survives junk', () => {
        const store = new Map();
        const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) };
        saveHiddenColumns(7, new Set(['key', 'data:caption']), storage);
        expect([...hiddenColumns(7, storage)].sort()).toEqual(['data:caption', 'key']);
        expect(hiddenColumns(8, storage).size).toBe(0);
        expect([...hiddenColumns(8, storage, defaultHidden({ fields: [{ name: 't', type: 'text' }], controls: [] }))]).toEqual(['preview']);
        expect(defaultHidden(schema)).toEqual([]);
        store.set('yz.dm.hidden.9', '{not json');
        expect(hiddenColumns(9, storage).size).toBe(0);
    });
    it('previews the first media field, else the first text', () => {
        expect(previewOf(schema, { image: '/api/projects/1/media/a.png', caption: 'x' })).toEqual({ kind: 'image', src: '/api/projects/1/media/a.png' });
        expect(previewOf(schema, { caption: '一只猫' })).toEqual({ kind: 'text', text: '一只猫' });
        expect(previewOf(schema, {})).toBeNull();
    });
    it('shows a media URL as its file name', () => {
        expect(cellText('/api/projects/1/media/zoo/%E7%8C%AB.jpg', true)).toBe('zoo/猫.jpg');
        expect(cellText('https://cdn.example/a/b.png', true)).toBe('b.png');
        expect(cellText(['a', 'b'], false)).toBe('["a","b"]');
    });
});
describe('import preview', () => {
    it('reads quoted CSV with commas, quotes and new lines', () => {
        expect(parseDelimited('\uFEFFa,b\r\n"x, y","say ""hi""\nthere"\n', ',', 10)).toEqual([['a', 'b'], ['x, y', 'say "hi"\nthere']]);
    });
    it('previews CSV columns and rows, dropping a cut last record', () => {
        const p = previewFile('评论.csv', '评论,来源\n很好,app\n一般,we', false);
        expect(p.columns).toEqual(['评论', '来源']);
        expect(p.rows).toEqual([{ 评论: '很好', 来源: 'app' }]);
    });
    it('previews the data of JSONL and JSON rows', () => {
        expect(previewFile('t.jsonl', '{"data":{"text":"a"}}\n{"text":"b","extra":1}\n', true).columns).toEqual(['text', 'extra']);
        expect(previewFile('t.json', '[{"data":{"image":"x"}}]', true).rows).toEqual([{ image: 'x' }]);
        expect(previewFile('t.json', '[{"data":', false)).toBeNull();
        expect(previewFile('t.jsonl', '{broken\n', true)).toBeNull();
    });
    it('maps columns named like fields, sends only renames, and names unfilled fields', () => {
        const mapping = defaultMapping(['key', 'image', 'text']);
        expect(mapping).toEqual({ image: 'image', text: 'text' });
        expect(unfilledFields(schema, mapping)).toEqual(['caption']);
        const fixed = { ...mapping, text: 'caption' };
        expect(unfilledFields(schema, fixed)).toEqual([]);
        expect(mapParameter(fixed)).toEqual({ text: 'caption' });
    });
});
