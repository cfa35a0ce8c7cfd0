import { useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type ImportResult, type PreviousImport, type Project } from '../api';
import { fieldMessages, fieldWhere } from '../api/problems';
import { errorText, keys } from '../api/queries';
import { useI18n } from '../i18n';
import { defaultMapping, mapParameter, previewFile, unfilledFields, type FilePreview } from '../lib/datamgr';

const DATA_EXT = /\.(jsonl|ndjson|json|csv|tsv)$/i;
/** How much of a data file is read for its preview. */
const HEAD_BYTES = 64 * 1024;

interface RowError { where: string; problem: string }
interface Done { text: string; importId?: number | null }
/** A data file waiting for its columns to be mapped, or its import to be confirmed. */
interface Pending { file: File; preview: FilePreview; mapping: Record<string, string> }
/** An import the server recognised: what to send again if the person says so. */
interface Again { previous: PreviousImport; name: string; media: boolean; retry: () => Promise<void> }

/** Sorts "row 2" before "row 10" so the table reads in file order. */
function rowNumber(key: string): number {
  const m = /row\s+(\d+)/i.exec(key);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

/**
 * Import as people expect: media dropped alone become one task per file (in the schema's field of their
 * kind), media dropped with a data file are the files it refers to; a data file shows its first rows
 * and which schema field each column fills (changeable) and waits when a field is left unfilled; a file
 * imported before is named with its date; afterwards a link shows the new tasks.
 */
export function ImportTab({ project }: { project: Project }) {
  const { t, lang } = useI18n();
  const [format, setFormat] = useState('');
  const [progress, setProgress] = useState<{ name: string; fraction: number } | null>(null);
  const [messages, setMessages] = useState<Done[]>([]);
  const [rowErrors, setRowErrors] = useState<RowError[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [again, setAgain] = useState<Again | null>(null);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const queryClient = useQueryClient();
  const history = useQuery({ queryKey: keys.imports(project.id), queryFn: () => api.imports(project.id) });
  const fmt = useMemo(() => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }), [lang]);

  const refresh = () => {
    // Even a refused file may follow accepted ones: the project's counts, tasks and imports are refreshed.
    void queryClient.invalidateQueries({ queryKey: keys.project(project.id) });
    void queryClient.invalidateQueries({ queryKey: ['projects'] });
  };
  const fail = (e: unknown) => {
    const a = e as ApiError;
    // docs/api.md promises 422 for bad rows; a request the server cannot read is 400. Either way
    // a refusal that names rows (or files) is shown as the table.
    if ((a.status === 422 || a.status === 400) && Object.keys(a.errors ?? {}).length) {
      setError(t('import.failed'));
      // In words: "row 3, text" and the row's message in the user's language (the English under errors when the code is unknown).
      const words = fieldMessages(a.problem, t);
      setRowErrors(Object.keys(a.errors).sort((x, y) => rowNumber(x) - rowNumber(y))
        .map((k) => ({ where: fieldWhere(a.problem.fields[k]?.[0]?.params ?? {}, t) || k, problem: words[k] ?? '' })));
    } else setError(errorText(e, t));
  };
  /** Runs one import; a 409 (imported before) asks the person instead of failing. */
  const guarded = async (name: string, media: boolean, send: (again: boolean) => Promise<ImportResult>, done: (r: ImportResult) => Done) => {
    try {
      const r = await send(false);
      setMessages((m) => [...m, done(r)]);
    } catch (e) {
      const previous = e instanceof ApiError && e.status === 409 ? e.body.previous as PreviousImport | undefined : undefined;
      if (!previous) throw e;
      setAgain({ previous, name, media, retry: async () => { const r = await send(true); setMessages((m) => [...m, done(r)]); } });
    }
  };

  const importData = async (f: File, map?: Record<string, string>) => {
    setProgress({ name: f.name, fraction: 0 });
    await guarded(f.name, false,
      (a) => api.importTasks(project.id, f, (fraction) => setProgress({ name: f.name, fraction }), format || undefined, map, a),
      (r) => ({ text: `${f.name}: ${t('import.done', { imported: r.imported, duplicates: r.duplicates })}`, importId: r.imported > 0 ? r.importId : null }));
  };

  const run = async (files: File[]) => {
    setMessages([]); setRowErrors([]); setError(null); setPending(null); setAgain(null);
    const data = files.filter((f) => DATA_EXT.test(f.name));
    const media = files.filter((f) => !DATA_EXT.test(f.name));
    try {
      if (media.length) {
        setProgress({ name: media.map((f) => f.name).join(', '), fraction: 0 });
        const up = await api.uploadMedia(project.id, media, (fraction) => setProgress((p) => p && { ...p, fraction }));
        if (data.length) setMessages((m) => [...m, { text: t('import.mediaDone', { count: up.length }) }]);
        else {
          // Media alone: one task per file.
          const source = media.length === 1 ? media[0]!.name : media.map((f) => f.name).join(', ').slice(0, 200);
          const names = up.map((u) => u.name);
          await guarded(source, true, (a) => api.importMediaTasks(project.id, names, source, a),
            (r) => ({ text: t('imp.mediaDone', { count: up.length, imported: r.imported, duplicates: r.duplicates }), importId: r.imported > 0 ? r.importId : null }));
        }
      }
      for (const f of data) {
        const preview = format && format !== 'csv' && format !== 'tsv' && format !== 'jsonl' && format !== 'json' ? null
          : previewFile(f.name, await f.slice(0, HEAD_BYTES).text(), f.size <= HEAD_BYTES);
        if (preview) {
          const mapping = defaultMapping(preview.columns);
          // A file whose columns already fill every field goes in at once; otherwise it waits for its mapping.
          if (unfilledFields(project.schema, mapping).length) {
            setPending({ file: f, preview, mapping });
            break;
          }
        }
        await importData(f);
      }
    } catch (e) {
      fail(e);
    } finally {
      setProgress(null);
      refresh();
    }
  };

  const confirmPending = async () => {
    if (!pending) return;
    const { file, mapping } = pending;
    setPending(null); setError(null); setRowErrors([]);
    try { await importData(file, mapParameter(mapping)); } catch (e) { fail(e); } finally { setProgress(null); refresh(); }
  };
  const confirmAgain = async () => {
    if (!again) return;
    const retry = again.retry;
    setAgain(null);
    try { await retry(); } catch (e) { fail(e); } finally { refresh(); }
  };

  return (
    <div data-testid="import-tab">
      <div className="row">
        <label>{t('import.format')}{' '}
          <select data-testid="import-format" value={format} onChange={(e) => setFormat(e.target.value)}>
            <option value="">{t('import.auto')}</option>
            {['jsonl', 'json', 'csv', 'tsv', 'labelstudio'].map((f) => <option key={f}>{f}</option>)}
          </select>
        </label>
      </div>
      <div className={`dropzone${over ? ' over' : ''}`} data-testid="import-drop"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)}
        onDrop={(e) => { e.preventDefault(); setOver(false); void run([...e.dataTransfer.files]); }}
        onClick={() => input.current?.click()}>
        <p>{t('import.drop')}</p>
        <button type="button" data-testid="import-choose">{t('import.choose')}</button>
        <input ref={input} type="file" multiple hidden data-testid="import-input" onChange={(e) => { void run([...(e.target.files ?? [])]); e.target.value = ''; }} />
      </div>
      {progress && (
        <div className="upload" data-testid="import-progress">
          {t('import.uploading', { name: progress.name })}
          <progress max={1} value={progress.fraction} /> {Math.round(progress.fraction * 100)}%
        </div>
      )}
      {pending && <MappingPanel project={project} pending={pending} onChange={setPending} onImport={() => void confirmPending()} onCancel={() => setPending(null)} />}
      {again && (
        <div className="banner warn" role="alert" data-testid="import-again">
          {again.media
            ? t('imp.mediaAgain', { date: fmt.format(new Date(again.previous.createdAt)), count: again.previous.imported })
            : t('imp.again', { name: again.name, file: again.previous.fileName, date: fmt.format(new Date(again.previous.createdAt)), count: again.previous.imported })}
          <div className="row">
            <button type="button" className="primary" data-testid="import-again-yes" onClick={() => void confirmAgain()}>{t('imp.againButton')}</button>
            <button type="button" onClick={() => setAgain(null)}>{t('common.cancel')}</button>
          </div>
        </div>
      )}
      {messages.map((m, i) => (
        <div key={i} className="banner ok row" data-testid="import-result">
          <span className="grow">{m.text}</span>
          {m.importId ? <a data-testid="import-view-tasks" href={`#/projects/${project.id}/tasks?import=${m.importId}`}>{t('imp.viewTasks')}</a> : null}
        </div>
      ))}
      {error && <div className="banner error" role="alert" data-testid="import-error">{error}</div>}
      {rowErrors.length > 0 && (
        <table className="grid" data-testid="import-row-errors">
          <thead><tr><th>{t('import.where')}</th><th>{t('import.problem')}</th></tr></thead>
          <tbody>{rowErrors.map((r, i) => <tr key={i}><td><code>{r.where}</code></td><td>{r.problem}</td></tr>)}</tbody>
        </table>
      )}
      {!!history.data?.length && <>
        <h3>{t('imp.history')}</h3>
        <table className="grid" data-testid="import-history">
          <thead><tr><th>#</th><th>{t('imp.col.file')}</th><th>{t('imp.col.when')}</th><th>{t('imp.col.by')}</th>
            <th className="num">{t('imp.col.imported')}</th><th className="num">{t('imp.col.duplicates')}</th></tr></thead>
          <tbody>{history.data.map((h) => (
            <tr key={h.id}>
              <td>{h.id}</td><td>{h.fileName}</td><td className="muted">{fmt.format(new Date(h.createdAt))}</td><td>{h.createdBy}</td>
              <td className="num">{h.imported > 0 ? <a href={`#/projects/${project.id}/tasks?import=${h.id}`}>{h.imported}</a> : 0}</td>
              <td className="num">{h.duplicates}</td>
            </tr>
          ))}</tbody>
        </table>
      </>}
    </div>
  );
}

/** The first rows of a data file with a choice of schema field per column. */
function MappingPanel({ project, pending, onChange, onImport, onCancel }: {
  project: Project; pending: Pending; onChange: (p: Pending) => void; onImport: () => void; onCancel: () => void;
}) {
  const { t } = useI18n();
  const { preview, mapping, file } = pending;
  const columns = preview.columns.filter((c) => c in mapping);
  const missing = unfilledFields(project.schema, mapping);
  const set = (column: string, target: string) => onChange({ ...pending, mapping: { ...mapping, [column]: target } });
  return (
    <div className="card" data-testid="import-preview">
      <h3>{t('imp.preview', { name: file.name, count: preview.rows.length })}</h3>
      <p className="muted">{t('imp.mapping')}</p>
      <div className="table-scroll">
        <table className="grid">
          <thead>
            <tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr>
            <tr>{columns.map((c) => (
              <th key={c}>
                <select data-testid={`map-${c}`} aria-label={`${t('imp.field')}: ${c}`} value={mapping[c]} onChange={(e) => set(c, e.target.value)}>
                  {project.schema.fields.map((f) => <option key={f.name} value={f.name}>{f.name}</option>)}
                  {!project.schema.fields.some((f) => f.name === c) && <option value={c}>{t('imp.keep', { name: c })}</option>}
                  <option value="">{t('imp.leaveOut')}</option>
                </select>
              </th>
            ))}</tr>
          </thead>
          <tbody>{preview.rows.map((r, i) => (
            <tr key={i}>{columns.map((c) => <td key={c} className="dm-cell">{typeof r[c] === 'string' ? r[c] : JSON.stringify(r[c] ?? '')}</td>)}</tr>
          ))}</tbody>
        </table>
      </div>
      {missing.map((f) => <div key={f} className="banner warn" data-testid="import-unfilled">{t('imp.missing', { field: f })}</div>)}
      <div className="row">
        <button type="button" className="primary" data-testid="import-start" disabled={missing.length > 0} onClick={onImport}>{t('imp.start', { name: file.name })}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </div>
  );
}
