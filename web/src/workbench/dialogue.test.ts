import { describe, expect, it } from 'vitest';
import type { DialogueControl } from '../lib/schema';
import { labelMessage, labelSpan, messagesOf, regionsOf, sideOf } from './dialogue';
import { emptyState } from './state';

const c: DialogueControl = { name: 'grade', type: 'dialogue', field: 'chat', labels: ['Place', 'Helpful'] };

describe('dialogue', () => {
  it('reads messages as users have them', () => {
    expect(messagesOf([{ role: 'user', content: 'hi' }, { author: 'Bob', text: 'yo' }, 'plain', { speaker: 'A', value: 'v' }])).toEqual([
      { role: 'user', text: 'hi' }, { role: 'Bob', text: 'yo' }, { role: null, text: 'plain' }, { role: 'A', text: 'v' },
    ]);
    expect(messagesOf('not a list')).toEqual([]);
  });

  it('puts the user on the right and the assistant on the left', () => {
    expect(sideOf('user', 'user')).toBe('right');
    expect(sideOf('assistant', 'user')).toBe('left');
    expect(sideOf('Alice', 'Alice')).toBe('right');
    expect(sideOf('Bob', 'Alice')).toBe('left');
  });

  it('labels spans in code points of the message, across emoji', () => {
    // 你好😀世界: 世界 is UTF-16 4..6, code points 3..5.
    const s = labelSpan(emptyState(), c, 0, '你好😀世界', 4, 6, 'Place');
    expect(regionsOf(s.result, 'grade')).toEqual([{ id: 'm1', message: 0, start: 3, end: 5, text: '世界', label: 'Place' }]);
    expect(labelSpan(s, c, 0, '你好😀世界', 4, 6, 'Place')).toBe(s);
  });

  it('labels a whole message once per label', () => {
    const s = labelMessage(emptyState(), c, 1, 'Helpful');
    expect(regionsOf(s.result, 'grade')).toEqual([{ id: 'm1', message: 1, label: 'Helpful' }]);
    expect(labelMessage(s, c, 1, 'Helpful')).toBe(s);
    expect(regionsOf(labelMessage(s, c, 1, 'Place').result, 'grade')).toHaveLength(2);
  });
});
