// The scrub proxy's JPEG decoder, in a worker (scrub.ts). createImageBitmap needs the frame's bytes
// as a Blob, and Chromium backs every Blob, a slice too, with a handle in the browser process: on the
// page's thread Blob.slice took 1.3 s, new Blob 0.4 s and createImageBitmap 0.6 s of a 10 s drag that
// decoded ~1,000 frames. Here it costs more CPU in all (~3.6 ms a frame against ~2.5 ms on the page's
// thread) but none of the page's: in the video benchmark's drag nearly every move then presented a new
// frame, against 78–95 % with the decoding on the page (docs/benchmarks.md, "Scrubbing at 30 fps?").
// The decoded picture goes back without a copy.

interface Ask { id: number; bytes: ArrayBuffer }
const scope = self as unknown as { onmessage: (e: MessageEvent<Ask>) => void; postMessage(m: unknown, transfer?: Transferable[]): void };

scope.onmessage = (e) => {
  const { id, bytes } = e.data;
  createImageBitmap(new Blob([bytes], { type: 'image/jpeg' })).then(
    (picture) => scope.postMessage({ id, picture }, [picture]),
    (err: unknown) => scope.postMessage({ id, error: String(err) }),
  );
};
