import type { Schema } from './schema';

// Sample data for the schema editor's live preview: made here, so the preview needs no server.

function sampleImage(): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500">
<rect width="800" height="500" fill="#cfe3f0"/><rect y="320" width="800" height="180" fill="#8a9a5b"/>
<polygon points="300,500 380,320 420,320 560,500" fill="#6b6b6b"/>
<rect x="120" y="260" width="160" height="70" rx="12" fill="#c0392b"/><circle cx="160" cy="335" r="18" fill="#222"/>
<circle cx="245" cy="335" r="18" fill="#222"/><circle cx="650" cy="90" r="45" fill="#f7d046"/></svg>`;
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}

/** A short WAV (8 kHz, 8-bit) with two tone bursts, as a data URL. */
function sampleAudio(): string {
  const rate = 8000; const seconds = 3; const n = rate * seconds;
  const buf = new Uint8Array(44 + n);
  const dv = new DataView(buf.buffer);
  const str = (o: number, s: string) => { for (let i = 0; i < s.length; i++) buf[o + i] = s.charCodeAt(i); };
  str(0, 'RIFF'); dv.setUint32(4, 36 + n, true); str(8, 'WAVE'); str(12, 'fmt ');
  dv.setUint32(16, 16, true); dv.setUint16(20, 1, true); dv.setUint16(22, 1, true); dv.setUint32(24, rate, true);
  dv.setUint32(28, rate, true); dv.setUint16(32, 1, true); dv.setUint16(34, 8, true); str(36, 'data'); dv.setUint32(40, n, true);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const env = (t > 0.3 && t < 1.2) || (t > 1.7 && t < 2.6) ? Math.sin(Math.PI * ((t % 1.4) / 0.9)) ** 2 : 0.02;
    buf[44 + i] = 128 + Math.round(100 * env * Math.sin(2 * Math.PI * 220 * t));
  }
  let bin = '';
  for (let i = 0; i < buf.length; i++) bin += String.fromCharCode(buf[i]!);
  return `data:audio/wav;base64,${btoa(bin)}`;
}

export function sampleData(schema: Schema): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  for (const f of schema.fields) {
    if (f.type === 'text') d[f.name] = '张三丰在武当山创立了太极拳。😀 Alice joined ACME Corp in Beijing last year.\n李四在北京大学读书。';
    else if (f.type === 'html') d[f.name] = '<h2>静夜思</h2><p>床前明月光，<b>疑是地上霜</b>。😀<br>By <i>Li Bai</i>, Tang dynasty.</p>';
    else if (f.type === 'image') d[f.name] = sampleImage();
    else if (f.type === 'audio' || f.type === 'video') d[f.name] = sampleAudio();
    else if (f.type === 'list') d[f.name] = [
      { id: 'a', text: '北京是中华人民共和国的首都。' },
      { id: 'b', text: 'Beijing is the capital of China, with a history of over 3,000 years.' },
      { id: 'c', text: '我不确定。' },
    ];
    else d[f.name] = { example: true };
  }
  return d;
}

export const STARTER_SCHEMA: Schema = {
  fields: [{ name: 'text', type: 'text' }],
  controls: [
    { name: 'sentiment', type: 'choices', field: 'text', options: [{ value: 'positive', hotkey: '1' }, { value: 'negative', hotkey: '2' }], required: true },
    { name: 'entities', type: 'spans', field: 'text', labels: [{ value: 'PER', color: '#e4572e' }, { value: 'ORG', color: '#2e86ab' }, { value: 'LOC', color: '#76b041' }] },
  ],
};
