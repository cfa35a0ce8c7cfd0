import type { Me, Role } from './api';

/**
 * What each role may do, as the server decides it (`RoleNames` in
 * src/Yunzhong.Server/Security/Access.cs): the UI shows a person only what the server would let
 * them do, and the server still checks every request.
 */
const ALLOWED = {
  /** Change projects, import, add media, bulk task actions. */
  manage: ['admin', 'manager'],
  /** Take tasks from the queue and submit them. */
  annotate: ['admin', 'manager', 'annotator'],
  /** Take annotations for review and judge them. */
  review: ['admin', 'manager', 'reviewer'],
  /** Everyone's work: the task table, statistics, quality figures. */
  seeWork: ['admin', 'manager', 'reviewer'],
  /** Exports hold every annotator's answers. */
  export: ['admin', 'manager'],
  /** The organisation's member list. */
  members: ['admin', 'manager'],
  /** The organisation's audit trail. */
  audit: ['admin'],
  /** Write the organisation's courses and exams and read their results (`RoleNames.Train`). */
  train: ['admin', 'manager', 'trainer'],
} as const satisfies Record<string, readonly Role[]>;

export type Ability = keyof typeof ALLOWED;

export function can(roles: readonly Role[] | undefined, what: Ability): boolean {
  return !!roles && roles.some((r) => (ALLOWED[what] as readonly Role[]).includes(r));
}

/** The caller's roles in an organisation (none when they are not a member). */
export function rolesIn(me: Me, organizationId: number): Role[] {
  return me.organizations.find((o) => o.id === organizationId)?.roles ?? [];
}
