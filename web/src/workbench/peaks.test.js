import { describe, expect, it } from 'vitest';
import { peaksOf } from './AudioView';
describe('waveform peaks', () => {
    it('keeps the minimum and maximum of each bucket', () => {
        const samples = new Float32Array([0.1, -0.5, 0.3, 0.9, -0.2, 0.0, 0.4, -0.8]);
        // Two buckets of four samples: [0.1, -0.5, 0.3, 0.9] and [-0.2, 0, 0.4, -0.8].
        expect([...peaksOf(samples, 2)].map((v) => Math.round(v * 10) / 10)).toEqual([-0.5, 0.9, -0.8, 0.4]);
    });
    it('gives silence as zero-height buckets', () => {
        expect([...peaksOf(new Float32Array(6), 3)]).toEqual([0, 0, 0, 0, 0, 0]);
    });
});
