import { describe, expect, it } from 'vitest';
import { step } from './textnav';
describe('keyboard caret steps', () => {
    it('steps over an emoji ZWJ sequence as one character', () => {
        // "a👩‍💻b": a (1 unit), 👩 (2) ZWJ (1) 💻 (2), b (1); the sequence spans units 1..6.
        const s = 'a\u{1F469}\u200D\u{1F4BB}b';
        expect(step(s, 1, 1, 'char')).toBe(6);
        expect(step(s, 6, -1, 'char')).toBe(1);
    });
    it('steps over a single astral character without splitting it', () => {
        const s = '张😀三';
        expect(step(s, 1, 1, 'char')).toBe(3);
        expect(step(s, 3, -1, 'char')).toBe(1);
    });
    it('jumps to the next and previous word edge, skipping spaces', () => {
        const s = 'Alice joined ACME';
        expect(step(s, 0, 1, 'word')).toBe(5);
        expect(step(s, 5, 1, 'word')).toBe(6);
        expect(step(s, 6, 1, 'word')).toBe(12);
        expect(step(s, 12, -1, 'word')).toBe(6);
    });
    it('stays inside the text at both ends', () => {
        expect(step('ab', 2, 1, 'char')).toBe(2);
        expect(step('ab', 0, -1, 'char')).toBe(0);
        expect(step('ab', 2, 1, 'word')).toBe(2);
        expect(step('ab', 0, -1, 'word')).toBe(0);
    });
});
