// Pure logic of the dialogue view: messages as users have them, and regions on them.
import { cpSlice, selectionToCp } from '../lib/codepoints';
import type { Control, MessageRegion, Result } from '../lib/schema';
import { addRegion, type Region, type WbState } from './state';

export interface Message { role: string | null; text: string }

// The same keys, in the same order, as the server's Messages (Core/Schema/Controls/Dialogue.cs).
const TEXT_KEYS = ['content', 'text', 'value'] as const;
const ROLE_KEYS = ['role', 'author', 'speaker', 'name'] as const;

/** The messages of a dialogue field: `{role, content}`, `{author, text}`, `{speaker, text}` or plain strings. */
export function messagesOf(value: unknown): Message[] {
  if (!Array.isArray(value)) return [];
  return value.map((m) => {
    if (typeof m === 'string') return { role: null, text: m };
    const o = (m && typeof m === 'object' ? m : {}) as Record<string, unknown>;
    const text = TEXT_KEYS.map((k) => o[k]).find((v): v is string => typeof v === 'string') ?? '';
    const role = ROLE_KEYS.map((k) => o[k]).find((v): v is string => typeof v === 'string') ?? null;
    return { role, text };
  });
}

/** Which side a role's bubbles sit on: the person asking on the right, everyone else on the left. */
export function sideOf(role: string | null, first: string | null): 'right' | 'left' {
  const r = (role ?? '').toLowerCase();
  if (['user', 'human', 'customer', 'client', '用户', '客户'].includes(r)) return 'right';
  if (['assistant', 'bot', 'system', 'ai', 'agent', 'model', '助手', '客服'].includes(r)) return 'left';
  return role !== null && role === first ? 'right' : 'left';
}

export function regionsOf(result: Result, control: string): MessageRegion[] {
  const v = result[control];
  return Array.isArray(v) ? (v as MessageRegion[]) : [];
}

/** Labels a whole message; the same label twice on one message is not added again. */
export function labelMessage(s: WbState, c: Control, message: number, label: string): WbState {
  if (regionsOf(s.result, c.name).some((r) => r.message === message && r.start === undefined && r.label === label)) return s;
  return addRegion(s, c, { message, label } as unknown as Omit<Region, 'id'>, false);
}

/** Labels a span of one message, given as UTF-16 offsets of a DOM selection; code points in the result. */
export function labelSpan(s: WbState, c: Control, message: number, text: string, a: number, b: number, label: string): WbState {
  const r = selectionToCp(text, a, b);
  if (!r) return s;
  if (regionsOf(s.result, c.name).some((x) => x.message === message && x.start === r.start && x.end === r.end && x.label === label)) return s;
  const region = { message, start: r.start, end: r.end, text: cpSlice(text, r.start, r.end), label };
  return addRegion(s, c, region as unknown as Omit<Region, 'id'>, false);
}
