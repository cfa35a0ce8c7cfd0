import { describe, expect, it } from 'vitest';
import { dataOptions, labelsOf, type ChoicesControl, type RectanglesControl } from './schema';

describe('options from the task data', () => {
  const choices: ChoicesControl = { name: 'c', type: 'choices', options: ['None'], optionsFrom: 'options' };

  it('follow the control’s own options, children included, each once', () => {
    const data = { options: [{ value: 'A', html: '<b>A</b>' }, 'B', { value: 'Group', children: [{ value: 'C' }, 'None'] }, 5, { html: 'x' }] };
    expect(labelsOf(choices, data).map((o) => o.value)).toEqual(['None', 'A', 'B', 'Group', 'C']);
    expect(labelsOf(choices, data)[1]).toMatchObject({ value: 'A', hotkey: '2' });
  });

  it('are none without the task’s data or its key', () => {
    expect(labelsOf(choices).map((o) => o.value)).toEqual(['None']);
    expect(labelsOf(choices, { other: ['A'] }).map((o) => o.value)).toEqual(['None']);
    expect(dataOptions('A')).toEqual([]);
  });

  it('give region labels too', () => {
    const boxes: RectanglesControl = { name: 'regions', type: 'rectangles', field: 'image', labels: [], labelsFrom: 'regions' };
    expect(labelsOf(boxes, { regions: [{ value: 'panda' }] }).map((l) => l.value)).toEqual(['panda']);
  });
});
