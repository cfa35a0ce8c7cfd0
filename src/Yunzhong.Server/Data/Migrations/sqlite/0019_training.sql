-- Training: courses of lessons with practice tasks, qualification exams with their pools, attempts
-- and the questions each attempt drew. A gold task picked for practice or an exam is copied into
-- training_tasks (its data, known answer and its project's schema at that moment), so a course or an
-- exam never changes under its takers when the project's task is edited or deleted, and an attempt
-- scores against the answer it was asked with.
CREATE TABLE training_tasks (
    id               INTEGER PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    project_id       INTEGER NOT NULL,
    source_task_id   INTEGER NOT NULL,
    schema_json      TEXT    NOT NULL,
    data_json        TEXT    NOT NULL,
    gold_json        TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_training_tasks_source ON training_tasks (organization_id, source_task_id);

CREATE TABLE courses (
    id               INTEGER PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    title            TEXT    NOT NULL,
    summary          TEXT    NOT NULL DEFAULT '',
    skill_id         INTEGER REFERENCES skills (id),
    created_by       INTEGER NOT NULL REFERENCES users (id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX ix_courses_org ON courses (organization_id, id);

CREATE TABLE lessons (
    id               INTEGER PRIMARY KEY,
    course_id        INTEGER NOT NULL REFERENCES courses (id),
    position         INTEGER NOT NULL,
    title            TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX ix_lessons_course ON lessons (course_id, position);

CREATE TABLE lesson_practice (
    id               INTEGER PRIMARY KEY,
    lesson_id        INTEGER NOT NULL REFERENCES lessons (id),
    position         INTEGER NOT NULL,
    training_task_id INTEGER NOT NULL REFERENCES training_tasks (id)
);
CREATE INDEX ix_lesson_practice ON lesson_practice (lesson_id, position);

-- pass_mark in percent (0-100); time limit, cool-down in seconds; a certificate lasts certificate_days.
CREATE TABLE exams (
    id                  INTEGER PRIMARY KEY,
    organization_id     INTEGER NOT NULL REFERENCES organizations (id),
    title               TEXT    NOT NULL,
    skill_id            INTEGER NOT NULL REFERENCES skills (id),
    level               INTEGER NOT NULL CHECK (level >= 1),
    question_count      INTEGER NOT NULL CHECK (question_count >= 1),
    time_limit_seconds  INTEGER NOT NULL CHECK (time_limit_seconds > 0),
    pass_mark           REAL    NOT NULL CHECK (pass_mark >= 0 AND pass_mark <= 100),
    max_attempts        INTEGER NOT NULL CHECK (max_attempts >= 1),
    cooldown_seconds    INTEGER NOT NULL CHECK (cooldown_seconds >= 0),
    certificate_days    INTEGER NOT NULL CHECK (certificate_days >= 1),
    created_by          INTEGER NOT NULL REFERENCES users (id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX ix_exams_org ON exams (organization_id, id);

CREATE TABLE exam_pool (
    exam_id          INTEGER NOT NULL REFERENCES exams (id),
    training_task_id INTEGER NOT NULL REFERENCES training_tasks (id),
    PRIMARY KEY (exam_id, training_task_id)
);

-- deadline = started_at + the exam's time limit, fixed when the attempt starts: no request moves it.
-- finished_at is set once (handed in, or at the deadline when an expired attempt is scored as it stood).
CREATE TABLE exam_attempts (
    id               INTEGER PRIMARY KEY,
    exam_id          INTEGER NOT NULL REFERENCES exams (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    seed             INTEGER NOT NULL,
    started_at       INTEGER NOT NULL,
    deadline         INTEGER NOT NULL,
    finished_at      INTEGER,
    score            REAL,
    passed           INTEGER,
    certificate_id   INTEGER
);
CREATE INDEX ix_exam_attempts_user ON exam_attempts (exam_id, user_id, id);
CREATE INDEX ix_exam_attempts_taker ON exam_attempts (user_id, id);

CREATE TABLE exam_questions (
    attempt_id       INTEGER NOT NULL REFERENCES exam_attempts (id),
    position         INTEGER NOT NULL,
    training_task_id INTEGER NOT NULL REFERENCES training_tasks (id),
    answer_json      TEXT,
    score            REAL,
    answered_at      INTEGER,
    PRIMARY KEY (attempt_id, position)
);
