import { describe, expect, it } from 'vitest';
import type { Schema } from '../lib/schema';
import { bucketsToText, newAttribute, textToBuckets } from './SchemaEditor';

describe('schema editor: per-region attributes', () => {
  const schema: Schema = {
    fields: [{ name: 'image', type: 'image' }],
    controls: [
      { name: 'boxes', type: 'rectangles', field: 'image', labels: ['word'] },
      { name: 'boxes_text', type: 'transcription', perRegion: ['boxes'] },
    ],
  };

  it('describe the region control they were added to, with a name not yet taken', () => {
    expect(newAttribute('transcription', 'boxes', schema)).toEqual({ name: 'boxes_text2', type: 'transcription', perRegion: ['boxes'] });
    expect(newAttribute('choices', 'boxes', schema)).toEqual({ name: 'boxes_class', type: 'choices', options: ['yes', 'no'], perRegion: ['boxes'] });
    expect(newAttribute('rating', 'boxes', schema)).toEqual({ name: 'boxes_score', type: 'rating', max: 5, perRegion: ['boxes'] });
  });
});

describe('schema editor: ranking buckets', () => {
  it('read "name|title" per line and write them back the same way', () => {
    const buckets = textToBuckets('relevant|Relevant results\n  biased  \n\n');
    expect(buckets).toEqual([{ value: 'relevant', title: 'Relevant results' }, 'biased']);
    expect(bucketsToText(buckets)).toBe('relevant|Relevant results\nbiased');
    expect(textToBuckets('')).toEqual([]);
  });
});
