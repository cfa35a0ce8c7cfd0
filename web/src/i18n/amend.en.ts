// Correcting one's own submitted answer before review (AmendPage, the "My recent tasks" panel).
export const amendEn = {
  'amend.open': 'Edit',
  'amend.view': 'View',
  'amend.save': 'Save correction',
  'amend.back': 'Back to work',
  'amend.hint': 'Nobody has reviewed this answer yet: correct it and save. The task keeps its place; reviewers see the corrected answer.',
  'amend.saved': 'Correction saved. Reviewers and the project’s figures now see the corrected answer.',
  'amend.readOnly': 'This answer can no longer be changed: ',
  'amend.locked.reviewed': 'a reviewer has already judged it.',
  'amend.locked.under_review': 'a reviewer is looking at it now. Try again later.',
  'amend.locked.replaced': 'you corrected it since; open the newer version.',
  'amend.locked.archived': 'the project is archived.',
  'amend.locked.not_theirs': 'it is not your answer.',
  'amend.missing': 'This answer is not among your recent tasks (it was corrected since, or it is not yours).',
  'title.amend': 'Correct an answer · {project}',
};
