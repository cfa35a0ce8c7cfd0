import { describe, expect, it } from 'vitest';
import type { Schema } from '../lib/schema';
import * as S from './state';
import { attributeControls } from './RegionAttributes';

const schema: Schema = {
  fields: [{ name: 'image', type: 'image' }],
  controls: [
    { name: 'bbox', type: 'rectangles', field: 'image', labels: [] },
    { name: 'transcription', type: 'transcription', perRegion: ['bbox'] },
    { name: 'script', type: 'choices', options: ['Latin', 'Han'], perRegion: ['bbox'] },
    { name: 'overall', type: 'rating' },
  ],
};
const bbox = schema.controls[0]!;

describe('per-region attributes', () => {
  it('are the per-region controls only', () => {
    expect(attributeControls(schema.controls).map((c) => c.name)).toEqual(['transcription', 'script']);
  });

  it('keep one value per region and leave out empty ones and those of deleted regions', () => {
    let s = S.addRect(S.emptyState(), bbox, { label: '', x: 1, y: 1, width: 10, height: 10 });
    s = S.addRect(s, bbox, { label: '', x: 20, y: 1, width: 10, height: 10 });
    const [a, b] = (s.result.bbox as { id: string }[]).map((r) => r.id) as [string, string];
    s = S.setRegionAttribute(s, 'transcription', a, 'EXIT', true);
    s = S.setRegionAttribute(s, 'transcription', b, '');
    s = S.setRegionAttribute(s, 'script', b, ['Han']);
    expect(S.toResult(s, schema)).toMatchObject({ transcription: { [a]: 'EXIT' }, script: { [b]: ['Han'] } });
    s = S.removeRegion(s, schema, 'bbox', b);
    expect(S.toResult(s, schema).script).toBeUndefined();
    expect(S.toResult(s, schema).transcription).toEqual({ [a]: 'EXIT' });
  });
});

describe('per-message answers', () => {
  const chat: Schema = {
    fields: [{ name: 'chat', type: 'dialogue' }],
    controls: [
      { name: 'relevance', type: 'choices', options: ['yes', 'no'], perMessage: 'chat' },
      { name: 'comment', type: 'transcription', field: 'chat', perMessage: 'chat' },
      { name: 'overall', type: 'rating' },
    ],
  };

  it('are attributes, kept by message index with empty answers left out', () => {
    expect(attributeControls(chat.controls).map((c) => c.name)).toEqual(['relevance', 'comment']);
    let s = S.setRegionAttribute(S.emptyState(), 'relevance', '1', ['yes']);
    s = S.setRegionAttribute(s, 'comment', '0', '', true);
    s = S.setRegionAttribute(s, 'comment', '1', 'clear', true);
    expect(S.toResult(s, chat)).toEqual({ relevance: { 1: ['yes'] }, comment: { 1: 'clear' } });
  });
});
