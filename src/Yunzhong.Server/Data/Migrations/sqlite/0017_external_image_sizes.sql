-- The pixel size of an image a task names by URL but the project never uploaded, as an imported
-- Label Studio file gave it (original_width/original_height). Exports need it to turn pixels back
-- into Label Studio's percent; without it the regions of such images were left out of exports.
CREATE TABLE external_image_sizes (
    project_id INTEGER NOT NULL REFERENCES projects (id),
    reference  TEXT    NOT NULL,
    width      INTEGER NOT NULL CHECK (width > 0),
    height     INTEGER NOT NULL CHECK (height > 0),
    PRIMARY KEY (project_id, reference)
);
