-- The pixel size of an image a task names by URL but the project never uploaded, as an imported
-- Label Studio file gave it (original_width/original_height). Exports need it to turn pixels back
-- into Label Studio's percent; without it the regions of such images were left out of exports.
CREATE TABLE external_image_sizes (
    project_id BIGINT  NOT NULL REFERENCES projects (id),
    reference  TEXT    NOT NULL,
    width      BIGINT  NOT NULL CHECK (width > 0),
    height     BIGINT  NOT NULL CHECK (height > 0),
    PRIMARY KEY (project_id, reference)
);
