import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { Component, useState } from 'react';
import { emptyState, toResult } from '../workbench/state';
import { TaskView } from '../workbench/TaskView';
const passThrough = (v) => v;
/** The annotation page as it will look, on sample data; the result it produces is shown below. */
export function SchemaPreview({ schema, data }) {
    const [state, setState] = useState(emptyState);
    const key = JSON.stringify(schema);
    // Another schema starts from an empty result (set while rendering, so no frame shows the old one).
    const [stateFor, setStateFor] = useState(key);
    if (stateFor !== key) {
        setStateFor(key);
        setState(emptyState());
    }
    return (_jsx(Guard, { children: _jsxs("div", { className: "preview", "data-testid": "schema-preview", children: [_jsx(TaskView, { schema: schema, data: data, state: state, onChange: (f) => setState(f), mediaUrl: passThrough, keyboard: false }), _jsx("pre", { className: "json small", "data-testid": "preview-result", children: JSON.stringify(toResult(state, schema), null, 1) })] }) }, key));
}
// A half-typed schema must not take the editor down with it.
class Guard extends Component {
    state = { error: null };
    static getDerivedStateFromError(e) { return { error: e.message }; }
    render() { return this.state.error ? _jsx("div", { className: "banner error", children: this.state.error }) : this.props.children; }
}
