export const regionAttrsEn = {
  'schema.perRegion': 'Per region of',
  'schema.wholeTask': '— (whole task)',
  'schema.attributes': 'Attributes of each region:',
  'schema.attribute.transcription': 'text',
  'schema.attribute.choices': 'choices',
  'schema.attribute.rating': 'rating',
} as const;
