// PDF pages for the document view, drawn by pdf.js (pdfjs-dist, Apache-2.0). This module is loaded
// on demand, so the workbench's bundle carries no pdf.js until a task has a PDF. The worker is a
// file of our own bundle (Vite's ?url), never a CDN: the content security policy allows scripts
// from 'self' only. pdf.js draws into a canvas; no text or annotation layer is made, so nothing a
// PDF holds (scripts, forms, links) reaches the page.
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Pixels per PDF point of a drawn page: 2 draws a page at 144 dpi, sharp when zoomed in. */
export const PageScale = 2;

export type { PDFDocumentProxy };

export function openPdf(url: string): { promise: Promise<PDFDocumentProxy>; destroy: () => void } {
  const task = getDocument({ url, enableXfa: false, isOffscreenCanvasSupported: false });
  return { promise: task.promise, destroy: () => { void task.destroy(); } };
}

/** Draws one page (from 0) at PageScale and answers it as an object URL of a PNG, which the caller revokes. */
export async function pageImage(doc: PDFDocumentProxy, index: number): Promise<string> {
  const page = await doc.getPage(index + 1);
  const viewport = page.getViewport({ scale: PageScale });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(viewport.width);
  canvas.height = Math.ceil(viewport.height);
  await page.render({ canvas, viewport, annotationMode: 0 }).promise;
  page.cleanup();
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the page could not be drawn'))), 'image/png'));
  return URL.createObjectURL(blob);
}
