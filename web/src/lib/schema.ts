// Types of the label schema and annotation result of docs/label-schema.md.

export type FieldType = 'text' | 'image' | 'audio' | 'video' | 'list' | 'json' | 'dialogue' | 'timeseries' | 'document' | 'html';
/** timeColumn and channels: a time series field's time column and the columns shown; pageKey: the key of a
 * document's page objects holding each page image (Label Studio's Repeater) (docs/label-schema.md). */
export interface Field { name: string; type: FieldType; timeColumn?: string; channels?: string[]; pageKey?: string }

export interface LabelDef { value: string; hotkey?: string; color?: string }
export type LabelLike = string | LabelDef;

// toName: the Label Studio object tag the control labels, kept from an imported config for exports.
// fromName: its Label Studio name where a Repeater names it per page (labels_{{idx}}).
interface ControlBase { name: string; field?: string; required?: boolean; toName?: string; fromName?: string }
/** Transcription, choices, rating: the region controls whose regions each get a value (`{ regionId: value }`),
 * or the dialogue field whose messages each get one (`perMessage`, `{ "0": value }` by message index). */
interface PerRegion { perRegion?: string[]; perMessage?: string }
/** optionsFrom / labelsFrom: a key of the task data whose array gives more options for that task (Label Studio's value="$options"). */
export interface ChoicesControl extends ControlBase, PerRegion { type: 'choices'; options: LabelLike[]; optionsFrom?: string; multiple?: boolean; min?: number; max?: number }
export interface SpansControl extends ControlBase { type: 'spans'; field: string; labels: LabelLike[] }
export interface RelationsControl extends ControlBase { type: 'relations'; spans: string; labels?: LabelLike[] }
export interface RectanglesControl extends ControlBase { type: 'rectangles'; field: string; labels: LabelLike[]; labelsFrom?: string }
export interface PolygonsControl extends ControlBase { type: 'polygons'; field: string; labels: LabelLike[]; labelsFrom?: string }
export interface KeypointsControl extends ControlBase { type: 'keypoints'; field: string; labels: LabelLike[]; labelsFrom?: string }
export interface SegmentsControl extends ControlBase { type: 'segments'; field: string; labels: LabelLike[] }
export interface TranscriptionControl extends ControlBase, PerRegion { type: 'transcription'; perSegment?: string }
export interface RatingControl extends ControlBase, PerRegion { type: 'rating'; max?: number }
/**
 * A ranking of a list field's items; pairwise, the first two items, or two whole fields (`fields`:
 * left, right) instead of `field`; with `buckets` (rank mode), the items sorted into named groups.
 */
export interface RankingControl extends ControlBase {
  type: 'ranking'; field?: string; fields?: [string, string]; mode: 'rank' | 'pairwise'; rationale?: boolean;
  buckets?: (string | (LabelDef & { title?: string }))[];
}
/** An option of a taxonomy: a bare string is a leaf. */
export type TaxonomyOption = string | (LabelDef & { children?: TaxonomyOption[] });
export interface TaxonomyControl extends ControlBase {
  type: 'taxonomy'; options: TaxonomyOption[]; multiple?: boolean; leafsOnly?: boolean; max?: number;
}

export interface TracksControl extends ControlBase { type: 'tracks'; field: string; labels: LabelLike[] }
/** Pixel masks on an image, one label each (COCO run lengths; see workbench/masks.ts). */
export interface MasksControl extends ControlBase { type: 'masks'; field: string; labels: LabelLike[]; labelsFrom?: string }
/** Labels on whole messages of a dialogue field and on spans inside one message. */
export interface DialogueControl extends ControlBase { type: 'dialogue'; field: string; labels: LabelLike[] }
/** Labelled ranges (and instants) on the time axis of a time series field. */
export interface TimeSeriesControl extends ControlBase { type: 'timeseries'; field: string; labels: LabelLike[] }

export type Control =
  | ChoicesControl | SpansControl | RelationsControl | RectanglesControl | PolygonsControl
  | KeypointsControl | SegmentsControl | TranscriptionControl | RatingControl | RankingControl | TaxonomyControl
  | TracksControl | MasksControl | DialogueControl | TimeSeriesControl;
export type ControlType = Control['type'];

export interface Schema { fields: Field[]; controls: Control[] }

// Result values, one per control type.
export interface Span { id: string; start: number; end: number; label: string; text?: string }
/** from → to is the relation's sense; `bi` links both ways, `left`/`right` only record how Label Studio wrote the ends. */
export interface Relation { from: string; to: string; label?: string; direction?: 'right' | 'left' | 'bi' }
/** A box; on a document also its page (from 0) and that page's size in the pixels the box is in. */
export interface Rect { id: string; label: string; x: number; y: number; width: number; height: number; rotation?: number; page?: number; pageWidth?: number; pageHeight?: number }
export interface Polygon { id: string; label: string; points: [number, number][] }
export interface Keypoint { id: string; label: string; x: number; y: number }
export interface Segment { id: string; start: number; end: number; label: string }
/** A keyframe of a tracked box: frames count from 1, coordinates are percent of the frame (Label Studio's VideoRectangle). */
export interface Keyframe { frame: number; x: number; y: number; width: number; height: number; enabled: boolean; rotation?: number; time?: number }
export interface Track { id: string; label: string; sequence: Keyframe[]; framesCount?: number; duration?: number }
export interface RankValue { order: string[]; rationale?: string }
/** A dialogue region: a whole message (no start/end) or a span of code points inside it. */
export interface MessageRegion { id: string; message: number; label: string; start?: number; end?: number; text?: string }
export interface PairwiseValue { preferred: 'a' | 'b' | 'tie'; rationale?: string }
/** A ranking with buckets: bucket name → item ids in order; items in no bucket are left out. */
export interface BucketsValue { buckets: Record<string, string[]>; rationale?: string }

// One of: string[] (choices), Span[], Relation[], Rect[], Polygon[], Keypoint[], Segment[],
// string or Record<string, string> (transcription), number (rating), RankValue, PairwiseValue,
// string[][] (taxonomy: paths of option values from the top down).
export type ResultValue = string | number | null | object;
export type Result = Record<string, ResultValue>;

export const DEFAULT_COLORS = ['#e4572e', '#2e86ab', '#76b041', '#a25ebf', '#f2a541', '#17bebb', '#d7263d', '#5d576b', '#c17817', '#3d5a80'];

/**
 * Labels or options of a control as full objects, with a colour and a hotkey for each; with the
 * task's `data`, those the task gives (`optionsFrom` / `labelsFrom`) follow the control's own.
 */
export function labelsOf(c: Control, data?: Record<string, unknown>): Required<LabelDef>[] {
  const own: LabelLike[] = c.type === 'choices' || c.type === 'taxonomy' ? c.options : 'labels' in c ? c.labels ?? [] : [];
  const from = 'optionsFrom' in c ? c.optionsFrom : 'labelsFrom' in c ? c.labelsFrom : undefined;
  const seen = new Set(own.map((l) => (typeof l === 'string' ? l : l.value)));
  const raw = [...own, ...(from && data ? dataOptions(data[from]).filter((v) => !seen.has(v) && seen.add(v)) : [])];
  return raw.map((l, i) => {
    const d = typeof l === 'string' ? { value: l } : l;
    return {
      value: d.value,
      hotkey: d.hotkey ?? (i < 9 ? String(i + 1) : ''),
      color: d.color ?? DEFAULT_COLORS[i % DEFAULT_COLORS.length]!,
    };
  });
}

export function fieldOf(schema: Schema, name: string | undefined): Field | undefined {
  return schema.fields.find((f) => f.name === name);
}

export interface ListItem { id: string; text: string }

/** Items of a `list` field: the object's id, or the index as a string for plain strings. */
export function listItems(value: unknown): ListItem[] {
  if (!Array.isArray(value)) return [];
  return value.map((v, i) =>
    typeof v === 'string' ? { id: String(i), text: v }
      : v && typeof v === 'object' ? { id: scalar((v as { id?: unknown }).id) ?? String(i), text: scalar((v as { text?: unknown }).text) ?? JSON.stringify(v) }
        : { id: String(i), text: scalar(v) ?? '' });
}

/** A string, number or boolean as text; anything else (an object, null) is not one. */
function scalar(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** Parses a schema loosely enough for the editor; throws with a message when it is not one. */
export function parseSchema(json: string): Schema {
  const v = JSON.parse(json) as unknown;
  if (!v || typeof v !== 'object' || !Array.isArray((v as Schema).fields) || !Array.isArray((v as Schema).controls))
    throw new Error('fields and controls must be arrays');
  return v as Schema;
}

/** The option values of a task's options array (strings or `{ value, children }` objects, children too). */
export function dataOptions(v: unknown, depth = 0): string[] {
  if (!Array.isArray(v) || depth > 16) return [];
  return v.flatMap((o: unknown) => {
    if (typeof o === 'string') return o ? [o] : [];
    if (typeof o !== 'object' || o === null) return [];
    const { value, children } = o as { value?: unknown; children?: unknown };
    return [...(typeof value === 'string' && value ? [value] : []), ...dataOptions(children, depth + 1)];
  });
}
