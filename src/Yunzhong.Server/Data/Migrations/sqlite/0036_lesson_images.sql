-- Images trainers upload into their courses' lessons (issue 14: lessons are Markdown with images).
-- The bytes live in the blob store; a lesson's Markdown names them by URL.
CREATE TABLE course_images (
    id            INTEGER PRIMARY KEY,
    course_id     INTEGER NOT NULL REFERENCES courses (id),
    name          TEXT    NOT NULL,
    blob_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL,
    width         INTEGER,
    height        INTEGER,
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX ix_course_images_course ON course_images (course_id, id);
