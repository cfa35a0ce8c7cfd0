import { createContext, useContext } from 'react';
import type { Control, Schema } from '../lib/schema';
import type { WbState } from './state';

/** What every control view of one task shares. */
export interface WbCtx {
  schema: Schema;
  data: Record<string, unknown>;
  state: WbState;
  update: (f: (s: WbState) => WbState) => void;
  readOnly: boolean;
  /** The control that digit hotkeys and drawing go to. */
  active: string | null;
  setActive: (name: string) => void;
  /** The label each region control draws with next. */
  labelFor: Record<string, string>;
  setLabel: (control: string, label: string) => void;
  /** Span id a relation is being drawn from (after R). */
  relFrom: string | null;
  setRelFrom: (id: string | null) => void;
  /** URL of a media value of the task (an absolute URL, or a media name of the project). */
  mediaUrl: (value: string) => string;
}

export const WorkbenchContext = createContext<WbCtx | null>(null);

export function useWb(): WbCtx {
  const c = useContext(WorkbenchContext);
  if (!c) throw new Error('outside a workbench');
  return c;
}

export function controlsOn(schema: Schema, field: string, types: Control['type'][]): Control[] {
  return schema.controls.filter((c) => c.field === field && types.includes(c.type));
}

export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}
