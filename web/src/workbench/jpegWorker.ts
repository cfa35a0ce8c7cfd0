// The scrub proxy's JPEG decoder, in a worker (scrub.ts). createImageBitmap needs the frame's bytes
// as a Blob, and Chromium registers every Blob, a slice too, with the browser process: on the page's
// thread Blob.slice took 1.3 s, new Blob 0.4 s and createImageBitmap 0.6 s of a 10 s drag that
// decoded ~1,000 frames (docs/benchmarks.md, "Scrubbing at 30 fps?"). Here that costs this thread
// instead, and the decoded picture goes back without a copy.

interface Ask { id: number; bytes: ArrayBuffer }
const scope = self as unknown as { onmessage: (e: MessageEvent<Ask>) => void; postMessage(m: unknown, transfer?: Transferable[]): void };

scope.onmessage = (e) => {
  const { id, bytes } = e.data;
  createImageBitmap(new Blob([bytes], { type: 'image/jpeg' })).then(
    (picture) => scope.postMessage({ id, picture }, [picture]),
    (err: unknown) => scope.postMessage({ id, error: String(err) }),
  );
};
