import { describe, expect, it } from 'vitest';
import { cpLength, cpSlice, cpToUtf16, selectionToCp, utf16ToCp } from './codepoints';
// "张三😀在北京" : 张 三 are BMP (1 unit each), 😀 is U+1F600 (2 units), then 在 北 京.
const zh = '张三😀在北京';
describe('code points', () => {
    it('counts an emoji as one code point', () => {
        expect(zh.length).toBe(7);
        expect(cpLength(zh)).toBe(6);
    });
    it('maps UTF-16 offsets after an emoji back by one', () => {
        // UTF-16 offset 4 is just before 在; code points before it: 张 三 😀 = 3.
        expect(utf16ToCp(zh, 4)).toBe(3);
        expect(cpToUtf16(zh, 3)).toBe(4);
    });
    it('snaps an offset inside a surrogate pair to either side', () => {
        // UTF-16 offset 3 is between the halves of 😀 (units 2 and 3).
        expect(utf16ToCp(zh, 3, false)).toBe(2);
        expect(utf16ToCp(zh, 3, true)).toBe(3);
    });
    it('slices by code points', () => {
        expect(cpSlice(zh, 2, 4)).toBe('😀在');
        expect(cpSlice('a😀b😀c', 3, 5)).toBe('😀c');
    });
    it('turns a selection that cuts an emoji into whole code points', () => {
        // Select from the middle of 😀 (unit 3) to after 北 (unit 6): the emoji is dropped at the start.
        expect(selectionToCp(zh, 3, 6)).toEqual({ start: 2, end: 5 });
        // Ending inside the emoji keeps the whole emoji.
        expect(selectionToCp(zh, 0, 3)).toEqual({ start: 0, end: 3 });
    });
    it('trims surrounding whitespace and rejects empty selections', () => {
        expect(selectionToCp('  北京 ', 0, 5)).toEqual({ start: 2, end: 4 });
        expect(selectionToCp('a   b', 1, 4)).toBeNull();
    });
    it('treats a lone surrogate as one code point', () => {
        const s = 'a\ud800b';
        expect(cpLength(s)).toBe(3);
        expect(utf16ToCp(s, 2)).toBe(2);
    });
});
