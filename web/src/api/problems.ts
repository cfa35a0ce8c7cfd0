// Every problem the server answers carries a stable `code` and its `params` (and, for field errors,
// `fields`: a code and params per message, with where in words: field, item, key). This is the one
// place they become words in the user's language; nothing shows `title`, `detail` or an `errors` key
// (a path such as /label/0/end) except when the server sends a code this client does not know.
import type { MessageKey, T } from '../i18n';
import { en } from '../i18n/en';
import type { components } from './schema';

export type ProblemCode = components['schemas']['ProblemCode'];
export type Params = Record<string, string | number>;
export interface Coded { code: string; params: Params }

/** What of a ProblemDetails the UI reads. */
export interface Problem {
  status: number;
  code?: string;
  params: Params;
  title?: string;
  detail?: string;
  /** English messages by field key, for API users (and an unknown code). */
  errors: Record<string, string[]>;
  /** The coded messages by the same keys. */
  fields: Record<string, Coded[]>;
}

/** Only strings and numbers go into a message; nulls and objects are left out. */
function params(v: unknown): Params {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => typeof x === 'string' || typeof x === 'number') as [string, string | number][]);
}

/** Reads a ProblemDetails body as the server sends it (anything else gives an empty problem). */
export function readProblem(status: number, body: unknown): Problem {
  const b = body && typeof body === 'object' ? body as Record<string, unknown> : {};
  const errors = b.errors && typeof b.errors === 'object' ? b.errors as Record<string, unknown> : {};
  const fields = b.fields && typeof b.fields === 'object' ? b.fields as Record<string, unknown> : {};
  return {
    status,
    code: typeof b.code === 'string' ? b.code : undefined,
    params: params(b.params),
    title: typeof b.title === 'string' ? b.title : undefined,
    detail: typeof b.detail === 'string' ? b.detail : undefined,
    errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]])),
    fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, (Array.isArray(v) ? v : [])
      .filter((c): c is { code: string; params?: unknown } => !!c && typeof c === 'object' && typeof (c as { code?: unknown }).code === 'string')
      .map((c) => ({ code: c.code, params: params(c.params) }))])),
  };
}

const has = (key: string): key is MessageKey => key in en;

/** The key of a code's message, when this client has one. */
export function codeKey(code: string | undefined): MessageKey | null {
  const key = `err.${code}`;
  return code && has(key) ? key : null;
}

/** A field's name in words: a known request field's label, else the name itself in quotes (a control's name). */
function fieldName(field: string, t: T): string {
  const key = `errField.${field}`;
  return has(key) ? t(key) : `“${field}”`;
}

/** A key inside an item (a span's end) in words, else the key itself. */
function keyName(k: string, t: T): string {
  const key = `errKey.${k}`;
  return has(key) ? t(key) : k;
}

/** The parts of an import row an error can be in: its gold answer, a prediction, an annotation. */
const rowParts: Record<string, MessageKey> = { gold: 'errWhere.gold', predictions: 'errWhere.predictions', annotations: 'errWhere.annotations' };

/**
 * Where a field error is, in words: "overlap", "“entities”, item 2, end", "row 3, text",
 * "row 2, annotation 1, “label”, item 1, start", "file “a.png”".
 */
export function fieldWhere(p: Params, t: T): string {
  const parts: string[] = [];
  if (p.file !== undefined) parts.push(t('errWhere.file', { file: p.file }));
  if (p.row !== undefined) parts.push(t('errWhere.row', { row: p.row }));
  const part = p.part !== undefined ? rowParts[String(p.part)] : undefined;
  if (part) parts.push(t(part, { n: p.partItem ?? '' }));
  if (p.result !== undefined) parts.push(t('errWhere.result', { n: p.result }));
  if (p.field !== undefined) parts.push(fieldName(String(p.field), t));
  if (p.item !== undefined) parts.push(t('errWhere.item', { item: p.item }));
  if (p.key !== undefined) parts.push(keyName(String(p.key), t));
  return parts.join(t('errWhere.separator'));
}

/**
 * Codes that say only that something is wrong, for checks the server has not given a code of their
 * own yet (a row's data, a label schema's details): their server words follow in brackets, so the
 * reason is not lost.
 */
const GENERAL = new Set(['field.invalid', 'import.row_invalid', 'annotation.invalid', 'schema.invalid']);

/** One coded message in words (its where left out). */
function coded(c: Coded, english: string | undefined, t: T): string | null {
  const key = codeKey(c.code);
  if (!key) return null;
  const values: Params = { ...c.params };
  if (values.field !== undefined) values.field = fieldName(String(values.field), t);
  const words = t(key, values);
  return GENERAL.has(c.code) && english ? `${words} (${english})` : words;
}

/** Each field's messages in words, by the server's key: what a form shows next to its field. */
export function fieldMessages(problem: Problem, t: T): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, english] of Object.entries(problem.errors)) {
    const list = problem.fields[k] ?? [];
    const words = list.map((c, i) => coded(c, english[i], t));
    out[k] = words.every((w) => w !== null) && words.length ? words.join(' ') : english.join(' ');
  }
  return out;
}

/** One issue of a schema check (POST /api/schemas/check answers them in a 200) in words, with where it is. */
export function issueLine(issue: { path: string; message: string; code: string; params: Record<string, unknown> }, t: T): string {
  const problem: Problem = { status: 200, params: {}, errors: { [issue.path]: [issue.message] }, fields: { [issue.path]: [{ code: issue.code, params: params(issue.params) }] } };
  return fieldLines(problem, t)[0] ?? issue.message;
}

/** Field messages with their place: "“entities”, item 1, end: the span goes past the end of the text (4 characters)". */
export function fieldLines(problem: Problem, t: T): string[] {
  const messages = fieldMessages(problem, t);
  return Object.keys(messages).map((k) => {
    const where = fieldWhere(problem.fields[k]?.[0]?.params ?? {}, t);
    const message = messages[k] ?? '';
    return where ? `${where}${t('errWhere.colon')}${message}` : message;
  });
}

/**
 * The problem in the user's language: the code's message, then each field's message with where it
 * is. A code this client has no words for falls back to the server's English title and detail.
 */
export function problemMessage(problem: Problem, t: T): string {
  return [problemHead(problem, t), ...fieldLines(problem, t)].join(' ');
}

/** The problem's own message without its fields' (for a form that shows those beside each field). */
export function problemHead(problem: Problem, t: T): string {
  const key = codeKey(problem.code);
  return key ? t(key, problem.params) : problem.title ?? problem.detail ?? t('err.server.error');
}
