import { Component, useState } from 'react';
import type { Schema } from '../lib/schema';
import { emptyState, toResult, type WbState } from '../workbench/state';
import { TaskView } from '../workbench/TaskView';

const passThrough = (v: string) => v;

/** The annotation page as it will look, on sample data; the result it produces is shown below. */
export function SchemaPreview({ schema, data }: { schema: Schema; data: Record<string, unknown> }) {
  const [state, setState] = useState<WbState>(emptyState);
  const key = JSON.stringify(schema);
  // Another schema starts from an empty result (set while rendering, so no frame shows the old one).
  const [stateFor, setStateFor] = useState(key);
  if (stateFor !== key) { setStateFor(key); setState(emptyState()); }
  return (
    <Guard key={key}>
      <div className="preview" data-testid="schema-preview">
        <TaskView schema={schema} data={data} state={state} onChange={(f) => setState(f)} mediaUrl={passThrough} keyboard={false} />
        <pre className="json small" data-testid="preview-result">{JSON.stringify(toResult(state, schema), null, 1)}</pre>
      </div>
    </Guard>
  );
}

// A half-typed schema must not take the editor down with it.
class Guard extends Component<{ children: React.ReactNode }, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(e: Error) { return { error: e.message }; }
  render() { return this.state.error ? <div className="banner error">{this.state.error}</div> : this.props.children; }
}
