import { describe, expect, expectTypeOf, it } from 'vitest';
import { TASK_STATES } from './index';
// Drift bug (issue 11): the hand-written client typed ids as strings while the server sends numbers,
// patched at call sites with `String(o.id) === …`. The types now come from the server's document;
// these assertions are checked by the type checker (`npm run build`), where the old `id: string`
// types fail.
describe('the client’s types are the wire’s', () => {
    it('types ids as the numbers the server sends', () => {
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
    });
    it('names task states as the server does, snake_case', () => {
        expect(TASK_STATES).toEqual(['new', 'in_progress', 'annotated', 'in_review', 'accepted', 'rejected']);
        expectTypeOf().toEqualTypeOf();
    });
    it('types an unmapped Label Studio tag as the object the server sends', () => {
        expectTypeOf().toEqualTypeOf();
    });
    it('types per-state counts keyed by the states’ wire names, and lists every state', () => {
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
    });
});
