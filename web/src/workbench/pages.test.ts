import { describe, expect, it } from 'vitest';
import { boxesPerPage, documentSource, stepPage } from './pages';

describe('document pages', () => {
  it('reads a PDF reference or a list of page images, and nothing else', () => {
    expect(documentSource('/api/projects/1/media/a.pdf')).toEqual({ kind: 'pdf', src: '/api/projects/1/media/a.pdf' });
    expect(documentSource(['p1.png', 'p2.png'])).toEqual({ kind: 'images', pages: ['p1.png', 'p2.png'] });
    expect(documentSource([])).toBeNull();
    expect(documentSource(['p1.png', ' '])).toBeNull();
    expect(documentSource('  ')).toBeNull();
    expect(documentSource(3)).toBeNull();
  });

  it('reads pages that are objects holding the image under the field\'s page key', () => {
    expect(documentSource([{ page: 'p1.png' }, { page: 'p2.png', note: 1 }], 'page')).toEqual({ kind: 'images', pages: ['p1.png', 'p2.png'] });
    expect(documentSource([{ page: 'p1.png' }, { url: 'p2.png' }], 'page')).toBeNull();
    expect(documentSource(['p1.png'], 'page')).toBeNull();
    expect(documentSource('a.pdf', 'page')).toBeNull();
  });

  it('turns pages without leaving the document', () => {
    expect(stepPage(0, -1, 3)).toBe(0);
    expect(stepPage(0, 1, 3)).toBe(1);
    expect(stepPage(2, 1, 3)).toBe(2);
  });

  it('counts boxes per page', () => {
    const m = boxesPerPage([{ page: 1 }, { page: 1 }, { page: 0 }, {}]);
    expect([...m.entries()].sort()).toEqual([[0, 1], [1, 2]]);
  });
});
