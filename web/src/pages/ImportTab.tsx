import { useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type Project } from '../api';
import { errorText, keys } from '../api/queries';
import { fieldWhere, fieldMessages } from '../api/problems';
import { useT } from '../i18n';

const DATA_EXT = /\.(jsonl|ndjson|json|csv|tsv)$/i;

interface RowError { where: string; problem: string }

/** Sorts "row 2" before "row 10" so the table reads in file order. */
function rowNumber(key: string): number {
  const m = /row\s+(\d+)/i.exec(key);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export function ImportTab({ project }: { project: Project }) {
  const t = useT();
  const [format, setFormat] = useState('');
  const [progress, setProgress] = useState<{ name: string; fraction: number } | null>(null);
  const [messages, setMessages] = useState<string[]>([]);
  const [rowErrors, setRowErrors] = useState<RowError[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const queryClient = useQueryClient();

  const run = async (files: File[]) => {
    setMessages([]); setRowErrors([]); setError(null);
    const data = files.filter((f) => DATA_EXT.test(f.name));
    const media = files.filter((f) => !DATA_EXT.test(f.name));
    try {
      if (media.length) {
        setProgress({ name: media.map((f) => f.name).join(', '), fraction: 0 });
        const up = await api.uploadMedia(project.id, media, (fraction) => setProgress((p) => p && { ...p, fraction }));
        setMessages((m) => [...m, t('import.mediaDone', { count: up.length })]);
      }
      for (const f of data) {
        setProgress({ name: f.name, fraction: 0 });
        const r = await api.importTasks(project.id, f, (fraction) => setProgress({ name: f.name, fraction }), format || undefined);
        setMessages((m) => [...m, `${f.name}: ${t('import.done', { imported: r.imported, duplicates: r.duplicates })}`]);
      }
    } catch (e) {
      const a = e as ApiError;
      // docs/api.md promises 422 for bad rows; the server answers 400 with the same body. Either way
      // a refusal that names rows is shown as the table.
      if ((a.status === 422 || a.status === 400) && Object.keys(a.errors ?? {}).length) {
        setError(t('import.failed'));
        // In words: "row 3, text" and the row's message in the user's language (the English under errors when the code is unknown).
        const words = fieldMessages(a.problem, t);
        setRowErrors(Object.keys(a.errors).sort((x, y) => rowNumber(x) - rowNumber(y))
          .map((k) => ({ where: fieldWhere(a.problem.fields[k]?.[0]?.params ?? {}, t) || k, problem: words[k] ?? '' })));
      } else setError(errorText(e, t));
    } finally {
      setProgress(null);
      // Even a refused file may follow accepted ones: the project's counts and tasks are refreshed.
      void queryClient.invalidateQueries({ queryKey: keys.project(project.id) });
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
    }
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
      {messages.map((m, i) => <div key={i} className="banner ok" data-testid="import-result">{m}</div>)}
      {error && <div className="banner error" role="alert" data-testid="import-error">{error}</div>}
      {rowErrors.length > 0 && (
        <table className="grid" data-testid="import-row-errors">
          <thead><tr><th>{t('import.where')}</th><th>{t('import.problem')}</th></tr></thead>
          <tbody>{rowErrors.map((r, i) => <tr key={i}><td><code>{r.where}</code></td><td>{r.problem}</td></tr>)}</tbody>
        </table>
      )}
    </div>
  );
}
