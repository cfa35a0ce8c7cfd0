import { isFlatObject } from './json';

/** A `json` field (Label Studio's `Table`): an object of plain values as a key/value table, anything else as JSON. */
export function JsonView({ field, value }: { field: string; value: unknown }) {
  if (isFlatObject(value)) {
    return (
      <table className="kv-table" data-testid={`json-${field}`}>
        <tbody>
          {Object.entries(value).map(([k, v]) => (
            <tr key={k}><th scope="row">{k}</th><td>{v === null ? '' : String(v)}</td></tr>
          ))}
        </tbody>
      </table>
    );
  }
  return <pre className="json" data-testid={`json-${field}`}>{JSON.stringify(value, null, 2)}</pre>;
}
