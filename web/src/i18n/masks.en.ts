// The masks control: brush, eraser, the words of its error codes (server: SchemaErrorCodes.Mask*).
// masks.zh-CN.ts has the same keys.
export const masksEn = {
  'tpl.segmentation.name': 'Segmentation masks',
  'tpl.segmentation.desc': 'Paint a pixel mask per class with a brush: roads, vehicles, people, sky. Exports COCO RLE.',
  'masks.tool': 'Mask brush',
  'masks.brush': 'Brush',
  'masks.eraser': 'Eraser',
  'masks.size': 'Brush size',
  'masks.sizeValue': '{size} px',
  'masks.pixels': '{count} pixels',
  'masks.hideAll': 'Hide masks',
  'masks.showAll': 'Show masks',
  'keys.maskTools': 'Masks: brush / eraser',
  'keys.brushSize': 'Masks: smaller / larger brush',
  'keys.maskHide': 'Masks: hide / show all',
  'err.annotation.mask.needed': 'A mask region needs its mask (size and run lengths).',
  'err.annotation.mask.size_invalid': 'A mask’s size must be [height, width], two whole numbers above 0.',
  'err.annotation.mask.size_mismatch': 'The mask is {width}×{height} pixels, but the image is {imageWidth}×{imageHeight}.',
  'err.annotation.mask.counts_invalid': 'The mask’s run lengths cannot be read: {reason}.',
  'err.annotation.mask.counts_sum': 'The mask’s runs cover {covered} pixels, not the image’s {pixels}.',
} as const;
