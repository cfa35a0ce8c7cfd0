import { describe, expect, expectTypeOf, it } from 'vitest';
import type { components } from './schema';
import { TASK_STATES, type Member, type Me, type Project, type QueueItem, type TaskDetail, type TaskRow } from './index';

// Drift bug (issue 11): the hand-written client typed ids as strings while the server sends numbers,
// patched at call sites with `String(o.id) === …`. The types now come from the server's document;
// these assertions are checked by the type checker (`npm run build`), where the old `id: string`
// types fail.
describe('the client’s types are the wire’s', () => {
  it('types ids as the numbers the server sends', () => {
    expectTypeOf<TaskRow['id']>().toEqualTypeOf<number>();
    expectTypeOf<TaskDetail['projectId']>().toEqualTypeOf<number>();
    expectTypeOf<Project['id']>().toEqualTypeOf<number>();
    expectTypeOf<Project['organizationId']>().toEqualTypeOf<number>();
    expectTypeOf<Me['organizations'][number]['id']>().toEqualTypeOf<number>();
    expectTypeOf<Member['userId']>().toEqualTypeOf<number>();
    expectTypeOf<QueueItem['assignmentId']>().toEqualTypeOf<number>();
    expectTypeOf<QueueItem['task']['id']>().toEqualTypeOf<number>();
  });

  it('names task states as the server does, snake_case', () => {
    expect(TASK_STATES).toEqual(['new', 'in_progress', 'annotated', 'in_review', 'accepted', 'rejected']);
    expectTypeOf<TaskRow['state']>().toEqualTypeOf<typeof TASK_STATES[number]>();
  });

  it('types an unmapped Label Studio tag as the object the server sends', () => {
    expectTypeOf<components['schemas']['SchemaCheckResponse']['unmapped'][number]>().toEqualTypeOf<{ tag: string; name: null | string }>();
  });

  it('types per-state counts keyed by the states’ wire names, and lists every state', () => {
    expectTypeOf<keyof components['schemas']['StateCounts']>().toEqualTypeOf<components['schemas']['TaskState'] | 'total'>();
    expectTypeOf<typeof TASK_STATES[number]>().toEqualTypeOf<components['schemas']['TaskState']>();
  });
});
