import { describe, expect, it } from 'vitest';
import { ancestorKeys, filterKeys, optionsToText, textToOptions, pathKey, pathsOf, pickable, taxonomyTree, togglePath, visibleRows } from './taxonomy';
const tree = taxonomyTree([
    { value: 'Animal', hotkey: 'a', children: [{ value: 'Mammal', children: ['Cat', 'Dog'] }, 'Bird'] },
    'Plant',
]);
describe('taxonomy', () => {
    it('gives each node its full path', () => {
        expect(tree[0].children[0].children[1].path).toEqual(['Animal', 'Mammal', 'Dog']);
        expect(tree[0].hotkey).toBe('a');
        expect(tree[1].children).toEqual([]);
    });
    it('shows the children of expanded nodes only', () => {
        const rows = visibleRows(tree, new Set([pathKey(['Animal'])]), null);
        expect(rows.map((r) => [r.node.value, r.depth])).toEqual([['Animal', 0], ['Mammal', 1], ['Bird', 1], ['Plant', 0]]);
    });
    it('filters to matches and their ancestors, case-insensitively, whatever is expanded', () => {
        const kept = filterKeys(tree, ' dO ');
        const rows = visibleRows(tree, new Set(), kept);
        expect(rows.map((r) => r.node.value)).toEqual(['Animal', 'Mammal', 'Dog']);
        expect(filterKeys(tree, '  ')).toBeNull();
        expect(visibleRows(tree, new Set(), filterKeys(tree, 'zebra'))).toEqual([]);
    });
    it('single selection replaces and clears; multiple toggles up to max', () => {
        expect(togglePath([['Plant']], ['Animal', 'Bird'], {})).toEqual([['Animal', 'Bird']]);
        expect(togglePath([['Plant']], ['Plant'], {})).toEqual([]);
        const two = togglePath([['Plant']], ['Animal', 'Bird'], { multiple: true, max: 2 });
        expect(two).toEqual([['Plant'], ['Animal', 'Bird']]);
        expect(togglePath(two, ['Animal'], { multiple: true, max: 2 })).toBe(two);
        expect(togglePath(two, ['Plant'], { multiple: true, max: 2 })).toEqual([['Animal', 'Bird']]);
    });
    it('names the ancestors of a path', () => {
        expect(ancestorKeys(['A', 'B', 'C'])).toEqual([pathKey(['A']), pathKey(['A', 'B'])]);
        expect(ancestorKeys(['A'])).toEqual([]);
    });
    it('reads only well-formed paths and honours leafsOnly', () => {
        expect(pathsOf([['A', 'B'], 'C', [], [1], null])).toEqual([['A', 'B']]);
        expect(pathsOf('A')).toEqual([]);
        expect(pickable(tree[0], { leafsOnly: true })).toBe(false);
        expect(pickable(tree[1], { leafsOnly: true })).toBe(true);
        expect(pickable(tree[0], {})).toBe(true);
    });
    it('writes the option tree as indented lines for the schema form and reads it back', () => {
        const options = [{ value: 'Animal', children: [{ value: 'Mammal', children: ['Cat'] }, 'Bird'] }, 'Plant'];
        const text = optionsToText(options);
        expect(text).toBe('Animal\n  Mammal\n    Cat\n  Bird\nPlant');
        expect(textToOptions(text)).toEqual(options);
        expect(textToOptions('A\n\n   x\n y\nB')).toEqual([{ value: 'A', children: ['x', 'y'] }, 'B']);
    });
});
