import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { translate, type Lang, type T } from '../i18n';
import { fieldLines, fieldMessages, problemMessage, readProblem } from './problems';

// The server's list of codes, as `npm run gen:api` copied it from the OpenAPI document (the server's
// ProblemCodeTests hold that copy equal to ProblemCodes.All).
const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  components: { schemas: { ProblemCode: { enum: string[] } } };
};
const codes = document.components.schemas.ProblemCode.enum;
const tr = (lang: Lang): T => (k, v) => translate(lang, k, v);

describe('problem codes', () => {
  it('has words for every code the server can send, in English and Chinese', () => {
    expect(codes.length).toBeGreaterThan(40);
    const missing = codes.filter((c) => !(`err.${c}` in en) || !zhCN[`err.${c}` as keyof typeof en]?.trim());
    expect(missing).toEqual([]);
  });

  it('has no words for a code the server no longer sends', () => {
    const stale = Object.keys(en).filter((k) => k.startsWith('err.') && !codes.includes(k.slice(4)));
    expect(stale).toEqual([]);
  });
});

describe('problemMessage', () => {
  // As the server answers a span past the end of a four-character text.
  const span = readProblem(400, {
    title: "The annotation does not fit the project's label schema.",
    code: 'annotation.invalid', params: {},
    errors: { '/entities/0/end': ['Span end 9 is past the end of the text, which has 4 characters (code points).'] },
    fields: { '/entities/0/end': [{ code: 'annotation.span.out_of_range', params: { field: 'entities', item: 1, key: 'end', end: 9, length: 4 } }] },
  });

  it('says where a field error is in words, never its path, in both languages', () => {
    const enText = problemMessage(span, tr('en'));
    const zhText = problemMessage(span, tr('zh-CN'));
    expect(enText).toBe('The annotation does not fit the project’s labels. “entities”, item 1, end: The span goes past the end of the text (4 characters).');
    expect(zhText).toBe('标注结果不符合项目的标签设置。 “entities”，第 1 项，终点：片段超出了文本末尾（文本共 4 个字符）。');
    for (const text of [enText, zhText]) expect(text).not.toContain('/entities/0/end');
  });

  it('gives a form each field’s message by its key, with the values filled in', () => {
    const p = readProblem(400, {
      code: 'project.invalid', params: {},
      errors: { overlap: ['overlap must be between 1 and 100.'] },
      fields: { overlap: [{ code: 'field.range', params: { field: 'overlap', min: 1, max: 100 } }] },
    });
    expect(fieldMessages(p, tr('zh-CN'))).toEqual({ overlap: '请输入 1 到 100 之间的值。' });
    expect(fieldLines(p, tr('en'))).toEqual(['Annotations per task: Enter a value from 1 to 100.']);
  });

  it('keeps the server’s reason beside a general code, so a row error still says why', () => {
    const p = readProblem(422, {
      code: 'import.rows_invalid', params: { errorCount: 1 },
      errors: { 'row 2: data.text': ['data.text must be a string'] },
      fields: { 'row 2: data.text': [{ code: 'import.row_invalid', params: { row: '2', field: 'data.text' } }] },
    });
    expect(fieldLines(p, tr('zh-CN'))).toEqual(['第 2 行，“data.text”：该行无效。 (data.text must be a string)']);
  });

  it('says where in an import row an error is: the gold answer, a prediction, a Label Studio result item, a file', () => {
    const p = readProblem(422, {
      code: 'import.rows_invalid', params: { errorCount: 3, errorRows: 2 },
      errors: {
        'row 4: gold.label.0': ['\'zz\' is not an option of choices \'label\'.'],
        'row 5: annotations[0].result[2]': ['annotations[0]: result[2] (label): a value is missing'],
        'a.png': ['The project has no media file of this name: upload it first.'],
      },
      fields: {
        'row 4: gold.label.0': [{ code: 'annotation.choice.unknown', params: { row: 4, part: 'gold', field: 'label', item: 1, value: 'zz' } }],
        'row 5: annotations[0].result[2]': [{ code: 'import.ls.value_invalid', params: { row: 5, part: 'annotations', partItem: 1, result: 3, control: 'label' } }],
        'a.png': [{ code: 'media.not_uploaded', params: { file: 'a.png' } }],
      },
    });
    expect(fieldLines(p, tr('zh-CN'))).toEqual([
      '第 4 行，标准答案，“label”，第 1 项：“zz”不是可选项。',
      '第 5 行，第 1 个标注，第 3 个结果项：控件“label”的值不符合要求（缺少值、超出范围或类型不对）。',
      '文件“a.png”：项目中没有媒体文件“a.png”：请先上传。',
    ]);
    expect(fieldLines(p, tr('en'))[1]).toBe('row 5, annotation 1, result item 3: The value for control “label” does not fit it (missing, out of range or of the wrong type).');
  });

  it('falls back to the server’s English for a code this client does not know', () => {
    const p = readProblem(409, { code: 'queue.something_new', params: {}, title: 'Something new happened.' });
    expect(problemMessage(p, tr('zh-CN'))).toBe('Something new happened.');
  });

  it('translates a problem without fields by its code and params', () => {
    const p = readProblem(409, { code: 'queue.too_many_held', params: { max: 20 }, title: 'You already hold 20 tasks' });
    expect(problemMessage(p, tr('zh-CN'))).toBe('您已领取本项目的 20 个任务：请先提交、跳过或归还其中一个。');
  });
});
