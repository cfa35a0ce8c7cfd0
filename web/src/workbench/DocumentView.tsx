import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import type { Rect } from '../lib/schema';
import { useWb } from './context';
import { ImageView } from './ImageView';
import { boxesPerPage, documentSource, stepPage } from './pages';
import type { PDFDocumentProxy } from './pdf';

/**
 * A document field page by page: a PDF drawn by pdf.js, or a list of page images. Each page is
 * shown by the image view (zoom, pan, boxes), which keeps the boxes of that page only and gives
 * new boxes the page and its size. Page Up / Page Down or the buttons turn pages.
 */
export function DocumentView({ field, value, pageKey }: { field: string; value: unknown; pageKey?: string }) {
  const t = useT();
  const wb = useWb();
  const source = documentSource(value, pageKey);
  const [page, setPage] = useState(0);
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [pageSrc, setPageSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pdfUrl = source?.kind === 'pdf' ? wb.mediaUrl(source.src) : null;
  const count = source?.kind === 'images' ? source.pages.length : pdf?.numPages ?? 0;

  useEffect(() => {
    if (!pdfUrl) return;
    let live = true;
    let destroy = () => {};
    import('./pdf').then(({ openPdf }) => {
      if (!live) return;
      const opened = openPdf(pdfUrl);
      destroy = opened.destroy;
      opened.promise.then((d) => { if (live) setPdf(d); }, (e: unknown) => { if (live) setError(String((e as Error)?.message ?? e)); });
    }, (e: unknown) => setError(String(e)));
    return () => { live = false; destroy(); };
  }, [pdfUrl]);

  useEffect(() => {
    if (!pdf) return;
    let live = true;
    let url: string | null = null;
    import('./pdf').then(({ pageImage }) => pageImage(pdf, page)).then((u) => {
      url = u;
      if (live) setPageSrc(u); else URL.revokeObjectURL(u);
    }, (e: unknown) => { if (live) setError(String((e as Error)?.message ?? e)); });
    return () => { live = false; if (url) URL.revokeObjectURL(url); };
  }, [pdf, page]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'PageDown' && e.key !== 'PageUp') return;
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable="true"]')) return;
      e.preventDefault();
      setPage((p) => stepPage(p, e.key === 'PageDown' ? 1 : -1, count));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count]);

  const boxes = wb.schema.controls.filter((c) => c.type === 'rectangles' && c.field === field)
    .flatMap((c) => (wb.state.result[c.name] as Rect[] | undefined) ?? []);
  const onPage = boxesPerPage(boxes).get(page) ?? 0;
  const src = source?.kind === 'images' ? wb.mediaUrl(source.pages[page] ?? '') : pageSrc;
  const name = source?.kind === 'pdf' ? source.src : field;

  return (
    <section className="document-view" aria-label={t('doc.pages', { name: field })} data-testid={`document-${field}`}>
      <div className="document-tools">
        <button type="button" data-testid="doc-prev" disabled={page <= 0} onClick={() => setPage((p) => stepPage(p, -1, count))}>‹ {t('doc.prev')}</button>
        <span data-testid="doc-page" aria-live="polite">{count ? t('doc.page', { n: page + 1, count }) : t('doc.loading')}</span>
        <button type="button" data-testid="doc-next" disabled={page >= count - 1} onClick={() => setPage((p) => stepPage(p, 1, count))}>{t('doc.next')} ›</button>
        <span className="muted" data-testid="doc-boxes">{t('doc.boxesOnPage', { count: onPage })}</span>
      </div>
      {error ? <div className="error" role="alert">{t('doc.failed', { name, reason: error })}</div>
        : src ? <ImageView key={`${field}:${page}:${src}`} field={field} src={src} page={page} />
        : <div className="muted">{t('doc.loading')}</div>}
    </section>
  );
}
