import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../i18n';
import { labelsOf } from '../lib/schema';
import { addSegment, setSegmentText, updateRegion } from './state';
import { controlsOn, isTyping, useWb } from './context';
// Enough min/max pairs for the widest zoom (the canvas is at most MAX_WIDTH pixels wide).
const BUCKETS = 16000;
const MAX_WIDTH = 16000;
const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];
/** Min/max per bucket of the first channel: enough to draw a waveform at any width we use. */
export function peaksOf(samples, buckets) {
    const out = new Float32Array(buckets * 2);
    const per = samples.length / buckets;
    for (let b = 0; b < buckets; b++) {
        let lo = 0;
        let hi = 0;
        const end = Math.min(samples.length, Math.floor((b + 1) * per));
        for (let i = Math.floor(b * per); i < end; i++) {
            const v = samples[i];
            if (v < lo)
                lo = v;
            if (v > hi)
                hi = v;
        }
        out[b * 2] = lo;
        out[b * 2 + 1] = hi;
    }
    return out;
}
const fmt = (s) => `${Math.floor(s / 60)}:${(s % 60).toFixed(2).padStart(5, '0')}`;
export function AudioView({ field, src }) {
    const t = useT();
    const wb = useWb();
    const segControls = useMemo(() => controlsOn(wb.schema, field, ['segments']), [wb.schema, field]);
    const perSeg = useMemo(() => wb.schema.controls.filter((c) => c.type === 'transcription' && c.perSegment && segControls.some((s) => s.name === c.perSegment)), [wb.schema, segControls]);
    const audio = useRef(null);
    const canvas = useRef(null);
    const wave = useRef(null);
    const [peaks, setPeaks] = useState(null);
    const [duration, setDuration] = useState(0);
    const [time, setTime] = useState(0);
    const [playing, setPlaying] = useState(false);
    const [speed, setSpeed] = useState(1);
    const [failed, setFailed] = useState(false);
    const [mark, setMark] = useState(null);
    const [dragSel, setDragSel] = useState(null);
    const [zoom, setZoom] = useState(1);
    const scroller = useRef(null);
    // The visible width: zooming in stops where the waveform would pass the widest canvas.
    const [viewWidth, setViewWidth] = useState(0);
    useEffect(() => {
        const el = scroller.current;
        if (!el)
            return;
        const ro = new ResizeObserver(() => setViewWidth(el.clientWidth));
        ro.observe(el);
        return () => ro.disconnect();
    }, []);
    const segControl = segControls.find((c) => c.name === wb.active) ?? segControls[0];
    const labelOf = (c) => wb.labelFor[c.name] ?? labelsOf(c)[0]?.value ?? '';
    useEffect(() => {
        // A new source is a new AudioView (TaskView keys it by the source): peaks and failure start afresh.
        let dead = false;
        void (async () => {
            try {
                const res = await fetch(src, { credentials: 'same-origin' });
                if (!res.ok)
                    throw new Error(String(res.status));
                const buf = await res.arrayBuffer();
                const ctx = new AudioContext();
                const decoded = await ctx.decodeAudioData(buf);
                void ctx.close();
                if (!dead) {
                    setPeaks(peaksOf(decoded.getChannelData(0), BUCKETS));
                    setDuration(decoded.duration);
                }
            }
            catch {
                if (!dead)
                    setFailed(true);
            }
        })();
        return () => { dead = true; };
    }, [src]);
    // The play head follows the audio element on animation frames rather than timeupdate events,
    // which fire only a few times a second.
    useEffect(() => {
        if (!playing)
            return;
        let raf = 0;
        const tick = () => { if (audio.current)
            setTime(audio.current.currentTime); raf = requestAnimationFrame(tick); };
        raf = requestAnimationFrame(tick);
        return () => cancelAnimationFrame(raf);
    }, [playing]);
    // Keep the play head in view when zoomed in.
    useEffect(() => {
        const sc = scroller.current;
        if (!sc || zoom === 1 || !duration)
            return;
        const x = (time / duration) * sc.scrollWidth;
        if (x < sc.scrollLeft || x > sc.scrollLeft + sc.clientWidth - 20)
            sc.scrollLeft = Math.max(0, x - sc.clientWidth / 4);
    }, [time, zoom, duration]);
    useEffect(() => {
        const cv = canvas.current;
        if (!cv || !peaks)
            return;
        const w = cv.clientWidth;
        const h = cv.clientHeight;
        const dpr = window.devicePixelRatio || 1;
        cv.width = w * dpr;
        cv.height = h * dpr;
        const g = cv.getContext('2d');
        g.scale(dpr, dpr);
        g.clearRect(0, 0, w, h);
        g.fillStyle = '#5b7db1';
        const n = peaks.length / 2;
        for (let x = 0; x < w; x++) {
            const b0 = Math.floor((x / w) * n);
            const b1 = Math.max(b0 + 1, Math.floor(((x + 1) / w) * n));
            let lo = 0;
            let hi = 0;
            for (let b = b0; b < b1; b++) {
                lo = Math.min(lo, peaks[b * 2]);
                hi = Math.max(hi, peaks[b * 2 + 1]);
            }
            g.fillRect(x, h / 2 - hi * h / 2, 1, Math.max(1, (hi - lo) * h / 2));
        }
    }, [peaks, zoom]);
    const seek = (s) => {
        const a = audio.current;
        if (!a)
            return;
        a.currentTime = Math.max(0, Math.min(duration || a.duration || 0, s));
        setTime(a.currentTime);
    };
    const toggle = () => {
        const a = audio.current;
        if (!a)
            return;
        if (a.paused)
            void a.play();
        else
            a.pause();
    };
    const markAt = (which) => {
        const now = audio.current?.currentTime ?? 0;
        if (which === '[') {
            setMark(now);
            return;
        }
        if (mark != null && segControl && !wb.readOnly) {
            const c = segControl;
            wb.update((s) => addSegment(s, c, { label: labelOf(c), start: round3(mark), end: round3(now) }));
        }
        setMark(null);
    };
    useEffect(() => {
        const onKey = (e) => {
            if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey)
                return;
            // With a text field beside the audio, arrows belong to the text caret while spans are active.
            const textCaret = wb.schema.controls.some((c) => c.type === 'spans' && c.name === wb.active);
            if (textCaret && (e.key === 'ArrowLeft' || e.key === 'ArrowRight'))
                return;
            if (e.key === ' ') {
                e.preventDefault();
                toggle();
            }
            else if (e.key === 'ArrowLeft') {
                e.preventDefault();
                seek((audio.current?.currentTime ?? 0) - (e.shiftKey ? 5 : 1));
            }
            else if (e.key === 'ArrowRight') {
                e.preventDefault();
                seek((audio.current?.currentTime ?? 0) + (e.shiftKey ? 5 : 1));
            }
            else if (e.key === '[' || e.key === ']') {
                e.preventDefault();
                markAt(e.key);
            }
        };
        window.addEventListener('keydown', onKey);
        return () => window.removeEventListener('keydown', onKey);
    });
    const timeAt = (clientX) => {
        const r = wave.current.getBoundingClientRect();
        return Math.max(0, Math.min(duration, ((clientX - r.left) / r.width) * duration));
    };
    const dragRef = useRef(null);
    const edgeRef = useRef(null);
    const onDown = (e) => {
        if (!duration || e.button !== 0)
            return;
        const edge = e.target.closest('[data-edge]');
        if (edge && !wb.readOnly) {
            (e.currentTarget).setPointerCapture(e.pointerId);
            const seg = edge.closest('[data-segment]');
            edgeRef.current = { control: seg.getAttribute('data-control'), id: seg.getAttribute('data-segment'), edge: edge.getAttribute('data-edge'), moved: false };
            return;
        }
        // A drag draws a new segment wherever it starts, over other segments and predictions too; the
        // pointer is captured only once it moves, so a click on a segment still selects it.
        dragRef.current = { a: timeAt(e.clientX), x: e.clientX, onSegment: !!e.target.closest('[data-segment]'), captured: false };
    };
    const onMove = (e) => {
        const ed = edgeRef.current;
        if (ed) {
            const g = (wb.state.result[ed.control] ?? []).find((x) => x.id === ed.id);
            if (!g)
                return;
            const at = round3(timeAt(e.clientX));
            // An edge cannot cross the other edge of its segment.
            const patch = ed.edge === 'start' ? { start: Math.min(at, g.end - 0.01) } : { end: Math.max(at, g.start + 0.01) };
            const record = !ed.moved;
            ed.moved = true;
            wb.update((s) => updateRegion(s, ed.control, ed.id, patch, record));
            return;
        }
        const d = dragRef.current;
        if (d && Math.abs(e.clientX - d.x) > 4) {
            if (!d.captured) {
                d.captured = true;
                e.currentTarget.setPointerCapture(e.pointerId);
            }
            setDragSel({ a: d.a, b: timeAt(e.clientX) });
        }
    };
    const onUp = (e) => {
        if (edgeRef.current) {
            edgeRef.current = null;
            return;
        }
        const d = dragRef.current;
        dragRef.current = null;
        setDragSel(null);
        if (!d)
            return;
        // A click: on a segment it selects it (its own handler); elsewhere it moves the play head.
        if (Math.abs(e.clientX - d.x) <= 4) {
            if (!d.onSegment)
                seek(d.a);
            return;
        }
        if (segControl && !wb.readOnly) {
            const c = segControl;
            const b = timeAt(e.clientX);
            wb.update((s) => addSegment(s, c, { label: labelOf(c), start: round3(d.a), end: round3(b) }));
        }
    };
    const pct = (s) => `${duration ? (s / duration) * 100 : 0}%`;
    const segments = [];
    for (const c of segControls)
        for (const g of wb.state.result[c.name] ?? [])
            segments.push({ c, g });
    segments.sort((x, y) => x.g.start - y.g.start);
    return (_jsxs("div", { className: "audio-view", "data-testid": `audio-${field}`, children: [_jsx("audio", { ref: audio, src: src, preload: "auto", onPlay: () => setPlaying(true), onPause: () => setPlaying(false), onLoadedMetadata: (e) => { if (!duration)
                    setDuration(e.currentTarget.duration); }, onError: () => setFailed(true) }), _jsxs("div", { className: "audio-tools", children: [_jsx("button", { type: "button", "data-testid": "audio-play", onClick: toggle, children: playing ? t('wb.pause') : t('wb.play') }), _jsxs("span", { "data-testid": "audio-time", className: "mono", children: [fmt(time), " / ", fmt(duration)] }), _jsxs("label", { children: [t('wb.speed'), ' ', _jsx("select", { "data-testid": "audio-speed", value: speed, onChange: (e) => { const v = Number(e.target.value); setSpeed(v); if (audio.current)
                                    audio.current.playbackRate = v; }, children: SPEEDS.map((s) => _jsxs("option", { value: s, children: [s, "\u00D7"] }, s)) })] }), !wb.readOnly && _jsxs(_Fragment, { children: [_jsxs("button", { type: "button", "data-testid": "audio-mark-start", onClick: () => markAt('['), children: ["[ ", t('wb.markStart')] }), _jsxs("button", { type: "button", "data-testid": "audio-mark-end", onClick: () => markAt(']'), children: ["] ", t('wb.markEnd')] })] }), segControl && _jsx("span", { className: "muted", children: labelOf(segControl) }), _jsx("span", { className: "grow" }), _jsx("button", { type: "button", "data-testid": "audio-zoom-out", "aria-label": t('wb.zoomOut'), disabled: zoom <= 1, onClick: () => setZoom((z) => Math.max(1, z / 2)), children: "\u2212" }), _jsx("span", { className: "small muted", "data-testid": "audio-zoom", children: t('wb.zoom', { percent: zoom * 100 }) }), _jsx("button", { type: "button", "data-testid": "audio-zoom-in", "aria-label": t('wb.zoomIn'), disabled: viewWidth * zoom * 2 > MAX_WIDTH, onClick: () => setZoom((z) => z * 2), children: "+" })] }), failed && _jsx("div", { className: "error", children: t('wb.mediaError', { name: src }) }), _jsx("div", { ref: scroller, className: "wave-scroll", children: _jsxs("div", { ref: wave, className: "waveform", "data-testid": "waveform", "data-duration": duration, style: { width: `${zoom * 100}%` }, onPointerDown: onDown, onPointerMove: onMove, onPointerUp: onUp, children: [!peaks && !failed && _jsx("div", { className: "muted center", children: t('wb.decoding') }), _jsx("canvas", { ref: canvas }), segments.map(({ c, g }) => {
                            const color = labelsOf(c).find((l) => l.value === g.label)?.color ?? '#888';
                            const isSel = wb.state.selected?.id === g.id;
                            return _jsxs("div", { "data-segment": g.id, "data-control": c.name, "data-testid": `region-${g.id}`, className: `segment${isSel ? ' sel' : ''}${wb.state.predicted.includes(g.id) ? ' predicted' : ''}`, style: { left: pct(g.start), width: pct(g.end - g.start), background: `${color}44`, borderColor: color }, onClick: () => { wb.update((s) => ({ ...s, selected: { control: c.name, id: g.id } })); seek(g.start); }, children: [_jsx("span", { className: "segment-label", style: { background: color }, children: g.label }), !wb.readOnly && _jsxs(_Fragment, { children: [_jsx("span", { className: "seg-edge start", "data-edge": "start", "data-testid": `edge-${g.id}-start` }), _jsx("span", { className: "seg-edge end", "data-edge": "end", "data-testid": `edge-${g.id}-end` })] })] }, g.id);
                        }), mark != null && _jsx("div", { className: "mark", style: { left: pct(mark) } }), dragSel && _jsx("div", { className: "segment draft", style: { left: pct(Math.min(dragSel.a, dragSel.b)), width: pct(Math.abs(dragSel.b - dragSel.a)) } }), _jsx("div", { className: "playhead", style: { left: pct(time) } })] }) }), perSeg.length > 0 && segments.length > 0 && (_jsx("div", { className: "segment-list", children: segments.map(({ c, g }) => (_jsxs("div", { className: `segment-row${wb.state.selected?.id === g.id ? ' sel' : ''}`, children: [_jsxs("button", { type: "button", className: "link mono", onClick: () => { seek(g.start); wb.update((s) => ({ ...s, selected: { control: c.name, id: g.id } })); }, children: [fmt(g.start), "\u2013", fmt(g.end)] }), _jsx("select", { value: g.label, disabled: wb.readOnly, onChange: (e) => { const v = e.target.value; wb.update((s) => updateRegion(s, c.name, g.id, { label: v })); }, children: labelsOf(c).map((l) => _jsx("option", { children: l.value }, l.value)) }), perSeg.filter((tc) => tc.type === 'transcription' && tc.perSegment === c.name).map((tc) => {
                            const m = wb.state.result[tc.name];
                            return _jsx("textarea", { "data-testid": `transcript-${g.id}`, rows: 1, className: "grows", placeholder: t('wb.transcript'), readOnly: wb.readOnly, value: m?.[g.id] ?? '', onChange: (e) => { const v = e.target.value; wb.update((s) => setSegmentText(s, tc.name, g.id, v)); } }, tc.name);
                        })] }, g.id))) }))] }));
}
function round3(v) { return Math.round(v * 1000) / 1000; }
