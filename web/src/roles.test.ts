import { describe, expect, it } from 'vitest';
import { can, rolesIn } from './roles';

describe('roles', () => {
  it('lets annotators annotate and nothing of the others’ work', () => {
    expect(can(['annotator'], 'annotate')).toBe(true);
    for (const what of ['manage', 'review', 'seeWork', 'export', 'members'] as const) expect(can(['annotator'], what)).toBe(false);
  });

  it('lets reviewers review and see the work but not export or change the project', () => {
    expect(can(['reviewer'], 'review')).toBe(true);
    expect(can(['reviewer'], 'seeWork')).toBe(true);
    for (const what of ['manage', 'annotate', 'export', 'members'] as const) expect(can(['reviewer'], what)).toBe(false);
  });

  it('lets managers and admins do everything on a project', () => {
    for (const what of ['manage', 'annotate', 'review', 'seeWork', 'export', 'members'] as const) {
      expect(can(['manager'], what)).toBe(true);
      expect(can(['admin'], what)).toBe(true);
    }
    expect(can(['trainer'], 'seeWork')).toBe(false);
    expect(can(undefined, 'annotate')).toBe(false);
  });

  it('lets trainers write courses and exams, and nothing of a project', () => {
    expect(can(['trainer'], 'train')).toBe(true);
    expect(can(['admin'], 'train')).toBe(true);
    expect(can(['manager'], 'train')).toBe(true);
    for (const who of ['annotator', 'reviewer'] as const) expect(can([who], 'train')).toBe(false);
    for (const what of ['manage', 'annotate', 'review', 'export', 'members'] as const) expect(can(['trainer'], what)).toBe(false);
  });

  it('reads the roles of the project’s organisation by its numeric id', () => {
    const me = { id: 1, email: 'a@b', name: 'A', organizations: [{ id: 7, name: 'O', kind: 'client' as const, roles: ['reviewer' as const] }] };
    expect(rolesIn(me, 7)).toEqual(['reviewer']);
    expect(rolesIn(me, 8)).toEqual([]);
  });
});
