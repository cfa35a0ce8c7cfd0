import type { Control, LabelLike, Schema } from './schema';

// Ready label schemas for the park's common jobs, offered on the new-project page. Label values are
// written in the reader's language (they are what annotators see and what exports carry); the
// names and descriptions live in i18n/settings.*.ts as `tpl.<id>.name` / `tpl.<id>.desc`.

export type TemplateId =
  | 'textClass' | 'ner' | 'relations' | 'llmRank' | 'llmPairwise' | 'boxes' | 'polygons' | 'keypoints'
  | 'ocr' | 'speech' | 'audioClass' | 'taxonomy' | 'segmentation' | 'timeseries';

export interface Template { id: TemplateId; icon: string; schema: (zh: boolean) => Schema }

type Pair = readonly [en: string, zh: string];
const pick = (zh: boolean, labels: readonly Pair[], keys = true): LabelLike[] =>
  labels.map(([e, z], i) => (keys && i < 9 ? { value: zh ? z : e, hotkey: String(i + 1) } : (zh ? z : e)));

const text = { name: 'text', type: 'text' } as const;
const image = { name: 'image', type: 'image' } as const;
const audio = { name: 'audio', type: 'audio' } as const;
const prompt = { name: 'prompt', type: 'text' } as const;
const answers = { name: 'answers', type: 'list' } as const;

const ENTITIES: Pair[] = [['Person', '人名'], ['Organisation', '机构'], ['Location', '地点'], ['Time', '时间']];

export const TEMPLATES: Template[] = [
  {
    id: 'textClass', icon: 'Aa',
    schema: (zh) => ({
      fields: [text],
      controls: [{ name: 'sentiment', type: 'choices', field: 'text', required: true, options: pick(zh, [['positive', '正面'], ['negative', '负面'], ['neutral', '中性']]) }],
    }),
  },
  {
    id: 'ner', icon: '[ ]',
    schema: (zh) => ({ fields: [text], controls: [{ name: 'entities', type: 'spans', field: 'text', labels: pick(zh, ENTITIES) }] }),
  },
  {
    id: 'relations', icon: '→',
    schema: (zh) => ({
      fields: [text],
      controls: [
        { name: 'entities', type: 'spans', field: 'text', labels: pick(zh, ENTITIES.slice(0, 3)) },
        { name: 'relations', type: 'relations', spans: 'entities', labels: pick(zh, [['works for', '任职于'], ['located in', '位于'], ['founded', '创立']], false) },
      ],
    }),
  },
  {
    id: 'llmRank', icon: '1·2·3',
    schema: (zh) => ({
      fields: [prompt, answers],
      controls: [
        { name: 'ranking', type: 'ranking', field: 'answers', mode: 'rank', rationale: true },
        { name: 'quality', type: 'choices', field: 'answers', multiple: true, options: pick(zh, [['factual error', '事实错误'], ['unsafe', '不安全'], ['off topic', '答非所问']]) },
      ],
    }),
  },
  {
    id: 'llmPairwise', icon: 'A|B',
    schema: () => ({ fields: [prompt, answers], controls: [{ name: 'preference', type: 'ranking', field: 'answers', mode: 'pairwise', rationale: true, required: true }] }),
  },
  {
    id: 'boxes', icon: '▭',
    schema: (zh) => ({ fields: [image], controls: [{ name: 'objects', type: 'rectangles', field: 'image', labels: pick(zh, [['car', '车辆'], ['person', '行人'], ['bicycle', '自行车'], ['traffic light', '信号灯']]) }] }),
  },
  {
    id: 'polygons', icon: '⬠',
    schema: (zh) => ({ fields: [image], controls: [{ name: 'regions', type: 'polygons', field: 'image', labels: pick(zh, [['road', '道路'], ['building', '建筑'], ['vegetation', '植被'], ['water', '水体']]) }] }),
  },
  {
    id: 'keypoints', icon: '⋰',
    schema: (zh) => ({
      fields: [image],
      controls: [{
        name: 'pose', type: 'keypoints', field: 'image',
        labels: pick(zh, [['nose', '鼻子'], ['left eye', '左眼'], ['right eye', '右眼'], ['left shoulder', '左肩'], ['right shoulder', '右肩'], ['left wrist', '左手腕'], ['right wrist', '右手腕']]),
      }],
    }),
  },
  {
    id: 'ocr', icon: 'T▭',
    schema: (zh) => ({
      fields: [image],
      controls: [
        { name: 'lines', type: 'rectangles', field: 'image', labels: pick(zh, [['text line', '文本行'], ['stamp', '印章'], ['table', '表格']]) },
        { name: 'text', type: 'transcription', field: 'image' },
      ],
    }),
  },
  {
    id: 'speech', icon: '∿',
    schema: (zh) => ({
      fields: [audio],
      controls: [
        { name: 'segments', type: 'segments', field: 'audio', labels: pick(zh, [['speaker A', '说话人 A'], ['speaker B', '说话人 B'], ['noise', '噪声']]) },
        { name: 'transcript', type: 'transcription', field: 'audio', perSegment: 'segments' },
      ],
    }),
  },
  {
    id: 'audioClass', icon: '♪',
    schema: (zh) => ({
      fields: [audio],
      controls: [{ name: 'sound', type: 'choices', field: 'audio', required: true, options: pick(zh, [['speech', '语音'], ['music', '音乐'], ['noise', '噪声'], ['silence', '静音']]) }],
    }),
  },
  {
    id: 'taxonomy', icon: '⊢',
    schema: (zh) => ({
      fields: [text],
      controls: [{
        name: 'category', type: 'taxonomy', field: 'text', required: true, leafsOnly: true,
        options: zh
          ? [{ value: '电子产品', children: ['手机', '电脑', '耳机'] }, { value: '服装', children: ['男装', '女装', '童装'] }, { value: '食品', children: ['零食', '饮料'] }]
          : [{ value: 'Electronics', children: ['Phones', 'Computers', 'Headphones'] }, { value: 'Clothing', children: ['Men', 'Women', 'Children'] }, { value: 'Food', children: ['Snacks', 'Drinks'] }],
      }],
    }),
  },
  {
    id: 'segmentation', icon: '▦',
    schema: (zh) => ({
      fields: [image],
      controls: [{ name: 'masks', type: 'masks', field: 'image', labels: pick(zh, [['road', '道路'], ['vehicle', '车辆'], ['person', '行人'], ['building', '建筑'], ['vegetation', '植被'], ['sky', '天空']]) }],
    }),
  },
  {
    id: 'timeseries', icon: '∿',
    schema: (zh) => ({
      fields: [{ name: 'series', type: 'timeseries' }],
      controls: [{ name: 'events', type: 'timeseries', field: 'series', labels: pick(zh, [['Run', '跑步'], ['Walk', '步行'], ['Fault', '故障'], ['Spike', '尖峰']]) }],
    }),
  },
];

/** What a template's card shows of its controls: the kind and the first few labels. */
export function controlSummary(c: Control): { type: string; labels: string[] } {
  const raw: LabelLike[] = c.type === 'choices' || c.type === 'taxonomy' ? c.options : 'labels' in c ? c.labels ?? [] : [];
  return { type: c.type, labels: raw.map((l) => (typeof l === 'string' ? l : l.value)) };
}
