// HTML fields are shown rendered, but only after this sanitiser has rebuilt them: the task's HTML is
// parsed in an inert document (no browsing context, so nothing in it runs or loads), then walked,
// and a fresh tree is made in the page's document of nothing but text and the elements and
// attributes listed here. Nothing is copied that was not chosen, and nothing is serialised and
// parsed again (so no markup can change meaning on the way, as mutation XSS does).
//
// - dropped with everything inside (the server's HtmlText.Dropped, same list, so the text the
//   annotator selects is the text the server counts): scripts, styles, embedded content, form
//   fields, images and media — images too, as any load from the task's markup tells a third party
//   who opened the task and when;
// - kept: text-level and block elements, tables, lists, links without their href;
// - any other element is unwrapped: its content stays, the element does not;
// - attributes: only title, lang, dir, and colspan/rowspan on cells. No style, class, id, event
//   handler or URL of any kind.

export const DROPPED = new Set([
  'script', 'style', 'template', 'noscript', 'noembed', 'noframes', 'iframe', 'frame', 'frameset',
  'object', 'embed', 'applet', 'param', 'portal', 'title', 'head', 'meta', 'link', 'base',
  'textarea', 'select', 'option', 'optgroup', 'datalist', 'button', 'input', 'xmp', 'plaintext',
  'img', 'image', 'picture', 'source', 'track', 'video', 'audio', 'canvas', 'map', 'area', 'svg', 'math',
]);

const KEPT = new Set([
  'p', 'div', 'span', 'br', 'hr', 'b', 'i', 'u', 's', 'em', 'strong', 'small', 'big', 'mark', 'sub', 'sup', 'code', 'pre',
  'kbd', 'samp', 'var', 'tt', 'q', 'cite', 'abbr', 'dfn', 'time', 'del', 'ins', 'strike', 'font', 'center', 'bdi', 'bdo',
  'ruby', 'rt', 'rp', 'wbr', 'blockquote', 'address', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'colgroup', 'col', 'a', 'section', 'article', 'header',
  'footer', 'nav', 'aside', 'main', 'figure', 'figcaption', 'details', 'summary',
]);

const ATTRS = new Set(['title', 'lang', 'dir']);
const CELL_ATTRS = new Set(['colspan', 'rowspan']);

export interface SanitizedHtml {
  /** The rebuilt content, owned by the page's document, ready to append. */
  fragment: DocumentFragment;
  /** How many elements were dropped with their content (scripts, images, embeds…). */
  dropped: number;
}

/** Parses `html` as the inner HTML of a `<div>` (as the server does) and rebuilds it from what is allowed. */
export function sanitizeHtml(html: string, into: Document = document): SanitizedHtml {
  const inert = into.implementation.createHTMLDocument('');
  const source = inert.createElement('div');
  source.innerHTML = html;
  const fragment = into.createDocumentFragment();
  let dropped = 0;
  const copy = (from: Node, to: Node) => {
    for (let n = from.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === Node.TEXT_NODE) { to.appendChild(into.createTextNode((n as Text).data)); continue; }
      if (n.nodeType !== Node.ELEMENT_NODE) continue; // comments and the like: nothing to show
      const el = n as Element;
      const name = el.localName.toLowerCase();
      if (DROPPED.has(name)) { dropped++; continue; }
      if (!KEPT.has(name) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') { copy(el, to); continue; }
      const made = into.createElement(name);
      for (const a of Array.from(el.attributes)) {
        const key = a.name.toLowerCase();
        if (ATTRS.has(key) || (CELL_ATTRS.has(key) && (name === 'td' || name === 'th') && /^\d{1,3}$/.test(a.value))) made.setAttribute(key, a.value);
      }
      to.appendChild(made);
      copy(el, made);
    }
  };
  copy(source, fragment);
  return { fragment, dropped };
}

/** The text content as spans count it (the server's HtmlText): text nodes in order, each `<br>` a "\n". */
export function htmlTextOf(root: Node): string {
  let out = '';
  const walk = (n: Node) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === Node.TEXT_NODE) out += (c as Text).data;
      else if (c.nodeType === Node.ELEMENT_NODE) {
        if ((c as Element).localName === 'br') out += '\n';
        else walk(c);
      }
    }
  };
  walk(root);
  return out;
}

/** One text node or `<br>` of a rendered HTML field, with where it starts in the text (UTF-16). */
export interface HtmlPiece { node: Node; start: number; length: number; br: boolean }

/** The pieces of `root` in document order. */
export function htmlPieces(root: Node): HtmlPiece[] {
  const out: HtmlPiece[] = [];
  let at = 0;
  const walk = (n: Node) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === Node.TEXT_NODE) { const len = (c as Text).data.length; out.push({ node: c, start: at, length: len, br: false }); at += len; }
      else if (c.nodeType === Node.ELEMENT_NODE) {
        if ((c as Element).localName === 'br') { out.push({ node: c, start: at, length: 1, br: true }); at += 1; }
        else walk(c);
      }
    }
  };
  walk(root);
  return out;
}

/** UTF-16 offset in the text of `root` of a DOM point (a selection's end) inside it. */
export function htmlOffsetOf(root: Node, container: Node, offset: number): number | null {
  if (!root.contains(container)) return null;
  const r = root.ownerDocument!.createRange();
  r.setStart(root, 0);
  r.setEnd(container, offset);
  return htmlTextOf(r.cloneContents()).length;
}

/** A DOM range over UTF-16 offsets `a`..`b` of the text of the pieces. */
export function htmlRange(pieces: HtmlPiece[], a: number, b: number): Range | null {
  const point = (u: number, end: boolean): [Node, number] | null => {
    for (const p of pieces) {
      const inside = end ? u > p.start && u <= p.start + p.length : u >= p.start && u < p.start + p.length;
      if (!inside) continue;
      if (p.br) return [p.node.parentNode!, Array.prototype.indexOf.call(p.node.parentNode!.childNodes, p.node) + (end ? 1 : 0)];
      return [p.node, u - p.start];
    }
    return null;
  };
  const s = point(a, false);
  const e = point(b, true);
  if (!s || !e || !pieces.length) return null;
  const r = pieces[0]!.node.ownerDocument!.createRange();
  r.setStart(s[0], s[1]);
  r.setEnd(e[0], e[1]);
  return r;
}
