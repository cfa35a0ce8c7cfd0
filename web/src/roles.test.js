import { describe, expect, it } from 'vitest';
import { can, rolesIn } from './roles';
describe('roles', () => {
    it('lets annotators annotate and nothing of the others’ work', () => {
        expect(can(['annotator'], 'annotate')).toBe(true);
        for (const what of ['manage', 'review', 'seeWork', 'export', 'members'])
            expect(can(['annotator'], what)).toBe(false);
    });
    it('lets reviewers review and see the work but not export or change the project', () => {
        expect(can(['reviewer'], 'review')).toBe(true);
        expect(can(['reviewer'], 'seeWork')).toBe(true);
        for (const what of ['manage', 'annotate', 'export', 'members'])
            expect(can(['reviewer'], what)).toBe(false);
    });
    it('lets managers and admins do everything on a project', () => {
        for (const what of ['manage', 'annotate', 'review', 'seeWork', 'export', 'members']) {
            expect(can(['manager'], what)).toBe(true);
            expect(can(['admin'], what)).toBe(true);
        }
        expect(can(['trainer'], 'seeWork')).toBe(false);
        expect(can(undefined, 'annotate')).toBe(false);
    });
    it('reads the roles of the project’s organisation by its numeric id', () => {
        const me = { id: 1, email: 'a@b', name: 'A', organizations: [{ id: 7, name: 'O', kind: 'client', roles: ['reviewer'] }] };
        expect(rolesIn(me, 7)).toEqual(['reviewer']);
        expect(rolesIn(me, 8)).toEqual([]);
    });
});
