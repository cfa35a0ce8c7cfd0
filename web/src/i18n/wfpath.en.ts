// Strings of the issue 14 leftovers: the job board's way to a skill, certificates on the vendor's people table.
export const wfpathEn = {
  'wf.pathTo': 'Course and exam',
  'wf.noPath': 'No course or exam here yet',
  'wf.course': 'Course',
  'wf.exam': 'Exam',
  'wf.examLevel': 'level {level}',
  'parkui.certificates': 'Certificates',
  'parkui.certificateLine': '{skill} · level {level} · {issued} → {expires}',
  'parkui.noExpiry': 'no expiry',
  'trainer.uploadImage': 'Upload an image',
  'trainer.uploadImageHint': 'PNG, JPEG, GIF or WebP, at most 10 MiB; it is inserted where the lesson ends.',
  'trainer.uploading': 'Uploading…',
  'parkdash.card.tasks': 'Tasks (90 days)',
} as const;
