import { createContext, useContext } from 'react';
export const WorkbenchContext = createContext(null);
export function useWb() {
    const c = useContext(WorkbenchContext);
    if (!c)
        throw new Error('outside a workbench');
    return c;
}
export function controlsOn(schema, field, types) {
    return schema.controls.filter((c) => c.field === field && types.includes(c.type));
}
export function isTyping(e) {
    const t = e.target;
    return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}
